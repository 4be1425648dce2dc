"""A small linked network (a child, a car, a phone) and people of each role."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.base_user import AbstractBaseUser
from tests.conftest import BundleWriter, make_record

from vigil.web.accounts import services as account_services
from vigil.web.entities.models import EntityMention
from vigil.web.entities.services import entities_link
from vigil.web.records.services import bundle_ingest

CHILD = {"ref": "p1", "type": "person", "role": "victim", "name": "Kayleigh Smith", "age": 14}
CAR = {"ref": "v1", "type": "vehicle", "vrm": "YB02 KLM"}
PHONE = {"ref": "t1", "type": "phone", "number": "07700 900123"}


@pytest.fixture(autouse=True)
def seal_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "keys" / "publish-seal.key"
    monkeypatch.setenv("VIGIL_PUBLISH_KEY", str(path))
    return path


@pytest.fixture
def network(write_bundle: BundleWriter) -> list[str]:
    """A child and a car in a police record and a social care referral; a decision on it."""
    bundle_ingest(
        path=write_bundle(
            staff=[
                {
                    "id": "pol-7",
                    "agency": "police",
                    "name": "Jane Doe",
                    "role": "Detective Sergeant",
                },
                {"id": "pol-8", "agency": "police", "name": "John Roe", "role": "Inspector"},
                {
                    "id": "csc-3",
                    "agency": "children_social_care",
                    "name": "Ann Poe",
                    "role": "Social Worker",
                },
            ],
            records=[
                make_record(
                    "pol-1",
                    author="pol-7",
                    recorded_at="2021-03-14T09:00:00Z",
                    title="Kayleigh Smith seen getting into YB02 KLM",
                    text="Kayleigh Smith got into YB02 KLM; the driver rang 07700 900123.",
                    mentions=[CHILD, CAR, PHONE],
                    links=[],
                    shared_with=["children_social_care"],
                ),
                make_record(
                    "csc-1",
                    agency="children_social_care",
                    kind="referral",
                    author="csc-3",
                    recorded_at="2021-05-02T09:00:00Z",
                    title="SMITH, Kayleigh missing overnight",
                    mentions=[CHILD],
                    links=[],
                ),
            ],
            actions=[
                {
                    "id": "act-1",
                    "agency": "police",
                    "kind": "no_further_action",
                    "taken_at": "2021-04-01T09:00:00Z",
                    "by": "pol-8",
                    "record_ids": ["pol-1"],
                    "subjects": [{"record_id": "pol-1", "ref": "p1"}],
                }
            ],
        )
    )
    entities_link()
    return sorted(
        set(
            EntityMention.objects.filter(record_source_id="pol-1").values_list(
                "entity__entity_id", flat=True
            )
        )
    )


def person(role: str, agency: str = "police") -> AbstractBaseUser:
    """A user of this role, with a second factor (every page asks for one)."""
    return account_services.user_create(
        email=f"{role}@{agency}.example",
        password="a long enough test passphrase",
        agency=agency,
        role=role,
        with_totp=True,
    ).user
