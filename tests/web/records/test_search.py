"""Searching mentions of current record versions by plate, name, phone and postcode."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.test import Client
from tests.conftest import BundleWriter, make_record

from vigil.web.accounts import services as account_services
from vigil.web.records.models import IngestRun
from vigil.web.records.search import SearchKind, mention_search
from vigil.web.records.services import bundle_ingest

pytestmark = pytest.mark.django_db(transaction=True)


def _person(ref: str, **fields: object) -> dict[str, object]:
    return {"ref": ref, "type": "person", **fields}


@pytest.fixture
def store(write_bundle: BundleWriter) -> None:
    bundle_ingest(
        path=write_bundle(
            records=[
                make_record("pol-1"),  # YB02 KL?, "Mo", "Kayla Test"
                make_record(
                    "pol-2",
                    mentions=[
                        {"ref": "v1", "type": "vehicle", "vrm": "yb02-klm"},
                        _person(
                            "p1", name="Muhammad Khan", aliases=["Big M"], phone="07700 900123"
                        ),
                        {"ref": "a1", "type": "address", "postcode": "s60 1aa"},
                    ],
                    links=[],
                ),
                make_record(
                    "csc-1",
                    agency="children_social_care",
                    mentions=[{"ref": "v1", "type": "vehicle", "vrm": "AB12 CDE"}],
                    links=[],
                ),
            ]
        )
    )


def _auditor() -> AbstractBaseUser:
    """A user who reads every record that is not restricted, so searches reach them all."""
    found = get_user_model().objects.filter(email="auditor@inquiry.example").first()
    if found is not None:
        return found
    return account_services.user_create(
        email="auditor@inquiry.example",
        password="a long enough passphrase",
        agency="inquiry",
        role="auditor",
    ).user


def _ids(kind: SearchKind, query: str, agency: str | None = None) -> list[str]:
    hits = mention_search(kind=kind, query=query, user=_auditor(), agency=agency).hits
    return [h.record_source_id for h in hits]


def test_a_partial_plate_finds_full_and_partial_plates_it_could_be(store: None) -> None:
    assert sorted(_ids(SearchKind.VRM, "YB02 K??")) == ["pol-1", "pol-2"]
    assert _ids(SearchKind.VRM, "yb02klm") == ["pol-2", "pol-1"]  # exact first
    assert _ids(SearchKind.VRM, "*CDE") == ["csc-1"]
    assert _ids(SearchKind.VRM, "ZZ99 ZZZ") == []


def test_a_plate_starting_with_an_unknown_is_found_by_its_end(store: None) -> None:
    # Read through the plates' tails: "YB02 KL?" (pol-1) ends in an unknown, so may fit.
    assert sorted(_ids(SearchKind.VRM, "?B02 KLM")) == ["pol-1", "pol-2"]
    assert _ids(SearchKind.VRM, "??12 CDE") == ["csc-1"]
    assert _ids(SearchKind.VRM, "?B02 KLN") == ["pol-1"]


def test_names_match_spellings_and_aliases(store: None) -> None:
    # "Mo" alone (pol-1) could be him too, a weaker match shown after.
    hits = mention_search(kind=SearchKind.NAME, query="Mohammed Khan", user=_auditor()).hits
    assert [(h.record_source_id, h.strength) for h in hits] == [
        ("pol-2", "family"),
        ("pol-1", "nickname"),
    ]
    assert _ids(SearchKind.NAME, "big m") == ["pol-2"]
    assert _ids(SearchKind.NAME, "Nobody Atall") == []


def test_phones_and_postcodes_are_normalised(store: None) -> None:
    assert _ids(SearchKind.PHONE, "+44 7700 900123") == ["pol-2"]
    assert _ids(SearchKind.POSTCODE, "S601AA") == ["pol-2"]
    assert _ids(SearchKind.POSTCODE, "S60") == ["pol-2"]
    assert _ids(SearchKind.POSTCODE, "S6") == []


def test_only_current_versions_and_the_chosen_agency(
    store: None, write_bundle: BundleWriter
) -> None:
    bundle_ingest(
        path=write_bundle(
            records=[
                make_record(
                    "pol-2",
                    mentions=[{"ref": "v1", "type": "vehicle", "vrm": "XX11 XXX"}],
                    links=[],
                )
            ]
        )
    )
    assert _ids(SearchKind.VRM, "YB02 KLM") == ["pol-1"]
    assert _ids(SearchKind.VRM, "YB02 K??", agency="children_social_care") == []


def test_search_page_paginates_and_links_to_records(store: None) -> None:
    created = account_services.user_create(
        email="s@police.example",
        password="a long enough passphrase",
        agency="police",
        role="analyst",
        with_totp=True,
    )
    client = Client()
    client.force_login(created.user)
    response = client.get("/records/search/", {"kind": "vrm", "q": "YB02 K??", "sort": "recorded"})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 2
    assert b'href="/records/' in response.content
    record_id = response.context["page"].object_list[0].record_id
    assert client.get(f"/records/{record_id}/").status_code == 200
    assert client.get("/records/999999/").status_code == 404
    assert client.get("/records/runs/").status_code == 200
    run_id = IngestRun.objects.get().pk
    assert client.get(f"/records/runs/{run_id}/").status_code == 200
    assert client.get("/").status_code == 200
