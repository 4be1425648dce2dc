"""The entity profile: attributes with their records, timeline, linked entities, network,
why-linked and judgements, all through need-to-know and all audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from tests.conftest import BundleWriter, make_record

from vigil.web.accounts import services as account_services
from vigil.web.audit.models import AuditEntry
from vigil.web.entities import models
from vigil.web.entities.services import entities_link
from vigil.web.records.models import Record
from vigil.web.records.services import bundle_ingest

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "correct horse battery staple 42"


@pytest.fixture
def linked(write_bundle: BundleWriter) -> None:
    """Three police records naming one silver car, two girls and the man driving it."""
    car = {"ref": "v1", "type": "vehicle", "vrm": "YB02 KLM", "colour": "silver"}
    bundle_ingest(
        path=write_bundle(
            records=[
                make_record("pol-1"),
                make_record(
                    "pol-2",
                    recorded_at="2001-07-02T09:00:00Z",
                    title="Car outside children's home",
                    mentions=[
                        {
                            "ref": "p1",
                            "type": "person",
                            "role": "victim",
                            "name": "Kayla Test",
                            "age": 14,
                        },
                        car,
                    ],
                    links=[],
                ),
                make_record(
                    "pol-3",
                    recorded_at="2001-08-20T18:30:00Z",
                    title="Second girl seen in silver car",
                    mentions=[
                        {
                            "ref": "p1",
                            "type": "person",
                            "role": "victim",
                            "name": "Leah Example",
                            "age": 13,
                        },
                        car,
                    ],
                    links=[],
                ),
            ]
        )
    )
    entities_link()


@pytest.fixture
def analyst(linked: None) -> Client:
    created = account_services.user_create(
        email="analyst@police.example",
        password=PASSWORD,
        agency="police",
        role="analyst",
        with_totp=True,
    )
    client = Client()
    client.force_login(created.user)
    return client


def car() -> models.Entity:
    return models.Entity.objects.get(type="vehicle", memberships__record_source_id="pol-2")


def text(response: Any) -> str:
    return response.content.decode()


def test_profile_lists_attributes_with_their_records_and_a_timeline(analyst: Client) -> None:
    entity = car()
    response = analyst.get(f"/entities/{entity.entity_id}/")
    assert response.status_code == 200
    page = text(response)
    assert "YB02 KLM" in page
    pol2 = Record.objects.get(source_id="pol-2")
    assert f'href="/records/{pol2.pk}/">pol-2</a>' in page  # the colour came from pol-2
    assert "moj-timeline" in page
    for title in ("Car outside children&#x27;s home", "Second girl seen in silver car"):
        assert title in page
    # Newest first.
    assert page.index("Second girl seen") < page.index("Car outside children")
    # Linked: both girls, named as the records the analyst may read name them.
    assert "Kayla Test" in page and "Leah Example" in page


def test_profile_is_audited_with_the_records_shown(analyst: Client) -> None:
    entity = car()
    analyst.get(f"/entities/{entity.entity_id}/")
    view = AuditEntry.objects.filter(event="view").latest("sequence")
    refs = set(view.object_refs.split())
    assert f"entity:{entity.entity_id}" in refs
    shown = {f"record:{pk}" for pk in Record.objects.values_list("pk", flat=True)}
    assert shown <= refs


def test_network_json_has_the_entity_its_neighbours_and_edges(analyst: Client) -> None:
    entity = car()
    data = analyst.get(f"/entities/{entity.entity_id}/network.json").json()
    centre = [n for n in data["nodes"] if n["centre"]]
    assert [n["id"] for n in centre] == [entity.entity_id]
    labels = {n["label"] for n in data["nodes"]}
    assert {"Kayla Test", "Leah Example"} <= labels
    assert all(e["records"] >= 1 for e in data["edges"])
    ids = {n["id"] for n in data["nodes"]}
    assert all(e["source"] in ids and e["target"] in ids for e in data["edges"])
    assert data["withheld"] == 0


def test_records_the_user_may_not_read_are_withheld_everywhere(
    analyst: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    hidden = Record.objects.get(source_id="pol-3").pk
    from vigil.web.network import selectors

    real = selectors.filter_record_ids
    monkeypatch.setattr(
        selectors, "filter_record_ids", lambda user, ids: real(user, ids) - {hidden}
    )
    entity = car()
    page = text(analyst.get(f"/entities/{entity.entity_id}/"))
    assert "1 record withheld" in page
    assert "Leah Example" not in page
    assert "Second girl seen" not in page
    assert f"/records/{hidden}/" not in page
    data = analyst.get(f"/entities/{entity.entity_id}/network.json").json()
    assert "Leah Example" not in {n["label"] for n in data["nodes"]}
    assert data["withheld"] == 1


def test_an_entity_all_of_whose_records_are_withheld_is_not_found(
    analyst: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vigil.web.network import selectors

    monkeypatch.setattr(selectors, "filter_record_ids", lambda user, ids: set())
    entity = car()
    assert analyst.get(f"/entities/{entity.entity_id}/").status_code == 404
    assert analyst.get(f"/entities/{entity.entity_id}/network.json").status_code == 404


def test_unknown_entity_is_not_found_and_signing_in_is_required(analyst: Client) -> None:
    assert analyst.get("/entities/person-0000/").status_code == 404
    response = Client().get(f"/entities/{car().entity_id}/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def mention_keys(entity: models.Entity) -> list[str]:
    pks = dict(Record.objects.values_list("source_id", "pk"))
    return sorted(
        f"{pks[sid]}:{ref}"
        for sid, ref in entity.memberships.values_list("record_source_id", "ref")
    )


def test_why_linked_explains_two_mentions(analyst: Client) -> None:
    entity = car()
    left, right = mention_keys(entity)[:2]
    response = analyst.get(f"/entities/{entity.entity_id}/", {"left": left, "right": right})
    page = text(response)
    assert "Linked as one vehicle" in page
    assert "Are they the same?" in page  # and the judgement form is offered


def test_a_judgement_is_recorded_and_a_missing_reason_is_an_error(analyst: Client) -> None:
    entity = car()
    left, right = mention_keys(entity)[:2]
    url = f"/entities/{entity.entity_id}/judgements/"
    refused = analyst.post(url, {"left": left, "right": right, "verdict": "not_same"})
    assert refused.status_code == 400
    assert "govuk-error-summary" in text(refused)
    assert "Enter why you judge them so" in text(refused)
    assert not models.Judgement.objects.exists()

    done = analyst.post(
        url,
        {"left": left, "right": right, "verdict": "not_same", "rationale": "Different colours"},
    )
    assert done.status_code == 302
    judgement = models.Judgement.objects.get()
    assert judgement.verdict == "not_same"
    assert judgement.rationale == "Different colours"
    assert judgement.by == "analyst@police.example"
    assert analyst.get(url).status_code == 405  # a judgement is only ever a POST


def test_the_same_mention_twice_is_not_a_pair(analyst: Client) -> None:
    entity = car()
    key = mention_keys(entity)[0]
    response = analyst.post(
        f"/entities/{entity.entity_id}/judgements/",
        {"left": key, "right": key, "verdict": "same", "rationale": "Same"},
    )
    assert response.status_code == 400
    assert "Choose two different mentions" in text(response)


def test_a_mention_not_of_this_entity_cannot_be_explained(analyst: Client) -> None:
    entity = car()
    (key, *_) = mention_keys(entity)
    response = analyst.get(f"/entities/{entity.entity_id}/", {"left": key, "right": "999:p9"})
    page = text(response)
    assert "govuk-error-summary" in page
    assert "<title>Error: " in page
    assert "Linked as one" not in page


def test_timeline_and_linked_entities_page_separately(
    analyst: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vigil.web.entities import views

    monkeypatch.setattr(views, "TIMELINE_PAGE", 1)
    monkeypatch.setattr(views, "LINKED_PAGE", 1)
    entity = car()
    first = text(analyst.get(f"/entities/{entity.entity_id}/", {"lsort": "name"}))
    assert 'aria-label="Pages of the timeline"' in first
    assert 'aria-label="Pages of linked entities"' in first
    # Each list's links keep the other list's place and order.
    assert "?lsort=name&amp;tpage=2#timeline" in first
    second = text(analyst.get(f"/entities/{entity.entity_id}/", {"lsort": "name", "lpage": 2}))
    linked = second.split('id="linked"')[1].split('id="why-linked"')[0]
    # Sorted by name, one a page: Kayla first, then Leah.
    assert "Leah Example" in linked and "Kayla Test" not in linked
