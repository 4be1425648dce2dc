"""What a profile reads: actions and alerts on its timeline, and values named by many records."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone
from tests.conftest import BundleWriter, make_record

from vigil.web.accounts import services as account_services
from vigil.web.alerts.models import Alert
from vigil.web.entities import models
from vigil.web.entities.services import entities_link
from vigil.web.network.selectors import SOURCES_SHOWN, Attribute
from vigil.web.records.services import bundle_ingest

pytestmark = pytest.mark.django_db(transaction=True)


def action(action_id: str, ref: str, kind: str) -> dict[str, object]:
    return {
        "id": action_id,
        "agency": "police",
        "kind": kind,
        "taken_at": "2001-07-03T09:00:00Z",
        "by": "pol-0001",
        "record_ids": ["pol-2"],
        "subjects": [{"record_id": "pol-2", "ref": ref}],
        "rationale": f"About {ref}.",
    }


@pytest.fixture
def analyst(write_bundle: BundleWriter) -> Client:
    """A car and a girl named in one police record; one action about each."""
    bundle_ingest(
        path=write_bundle(
            records=[
                make_record("pol-1"),
                make_record(
                    "pol-2",
                    mentions=[
                        {"ref": "p1", "type": "person", "role": "victim", "name": "Kayla Test"},
                        {"ref": "v1", "type": "vehicle", "vrm": "YB02 KLM"},
                    ],
                    links=[],
                ),
            ],
            actions=[
                action("act-1", "v1", "disruption_notice"),
                action("act-2", "p1", "strategy_meeting"),
            ],
        )
    )
    entities_link()
    created = account_services.user_create(
        email="analyst@police.example",
        password="correct horse battery staple 42",
        agency="police",
        role="analyst",
        with_totp=True,
    )
    client = Client()
    client.force_login(created.user)
    return client


def entity(kind: str) -> models.Entity:
    return models.Entity.objects.get(type=kind, memberships__record_source_id="pol-2")


def alert(alert_id: str, entity_ids: list[str]) -> None:
    now = timezone.now()
    Alert.objects.create(
        key=alert_id,
        alert_id=alert_id,
        rule="adult_linked_to_children",
        raised_at=now,
        triggered_at=now,
        updated_at=now,
        priority=1.0,
        harm=1.0,
        entity_ids=entity_ids,
        record_ids=["pol-2"],
        explanation="x",
    )


def test_the_timeline_holds_the_actions_and_alerts_about_this_entity_only(
    analyst: Client,
) -> None:
    car, girl = entity("vehicle"), entity("person")
    alert("alert-car", [car.entity_id])
    alert("alert-girl", [girl.entity_id])
    page = analyst.get(f"/entities/{car.entity_id}/").content.decode()
    assert "Action: disruption notice" in page and "About v1." in page
    assert "Action: strategy meeting" not in page  # about the girl, in the same record
    assert 'href="/alerts/alert-car/"' in page
    assert "alert-girl" not in page


def test_a_value_names_its_first_records_and_counts_the_rest() -> None:
    sources = [(pk, f"r-{pk}") for pk in range(SOURCES_SHOWN + 1)]
    just_enough = Attribute(name="Name", value="A School", sources=sources[:SOURCES_SHOWN])
    assert just_enough.sources_shown == sources[:SOURCES_SHOWN]
    assert just_enough.sources_more == 0
    one_more = Attribute(name="Name", value="A School", sources=sources)
    assert one_more.sources_shown == sources[:SOURCES_SHOWN]
    assert one_more.sources_more == 1
