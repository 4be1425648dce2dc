"""Communities are found once per detection run and stored; the pages read them through
need-to-know, without building the entity graph again."""

from __future__ import annotations

from typing import Any

import pytest
from tests.conftest import BundleWriter, make_record
from tests.web.alerts.test_pages import sign_in, sign_in_at, text

from vigil.web.alerts import models
from vigil.web.alerts.services import alerts_detect
from vigil.web.entities.services import entities_link
from vigil.web.network import selectors
from vigil.web.records.services import bundle_ingest

pytestmark = pytest.mark.django_db(transaction=True)


def concern(
    record_id: str, girl: str, age: int, man: str = "Mo Test", plate: str = "YB02 KLM"
) -> dict[str, Any]:
    return make_record(
        record_id,
        mentions=[
            {"ref": "p1", "type": "person", "role": "victim", "name": girl, "age": age},
            {
                "ref": "p2",
                "type": "person",
                "role": "suspect",
                "name": man,
                "age": 27,
                "dob": "1974-02-03",
            },
            {"ref": "v1", "type": "vehicle", "vrm": plate},
        ],
    )


@pytest.fixture
def detected(write_bundle: BundleWriter) -> None:
    bundle_ingest(
        path=write_bundle(
            records=[
                concern("pol-1", "Kayla Test", 14),
                concern("pol-2", "Leah Example", 13),
                concern("pol-3", "Jade Sample", 15),
            ]
        )
    )
    entities_link()
    alerts_detect()


def test_detection_stores_its_communities_with_members_edges_and_records(
    detected: None,
) -> None:
    (run,) = models.CommunityRun.objects.all()
    (community,) = models.Community.objects.filter(run=run)
    assert (run.communities, community.number, community.size) == (1, 1, 5)
    members = dict(
        models.CommunityMember.objects.filter(community=community).values_list("entity_id", "age")
    )
    assert community.key == min(members)
    ages = sorted(members.values())
    assert ages.count("child") == 3 and ages.count("adult") == 1  # the car is neither
    edges = list(models.CommunityEdge.objects.filter(community=community))
    assert len(edges) == community.edge_count == run.edges
    cited = {r for e in edges for r, _ in e.records}
    assert cited == {"pol-1", "pol-2", "pol-3"}
    assert community.record_count == run.records == 3


def test_a_second_run_replaces_the_first(detected: None) -> None:
    first = models.CommunityRun.objects.get()
    alerts_detect()
    second = models.CommunityRun.objects.get()
    assert second.pk != first.pk
    assert models.Community.objects.filter(run=second).count() == 1
    assert models.Community.objects.count() == 1


def test_the_pages_never_build_the_graph(detected: None, monkeypatch: pytest.MonkeyPatch) -> None:
    import vigil.core.detect.graph as graph

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the communities pages must read the stored run")

    monkeypatch.setattr(graph, "build_graph", refuse)
    client = sign_in("analyst@police.example", "analyst")
    listing = client.get("/alerts/communities/")
    assert "1 community" in text(listing)
    key = models.Community.objects.get().key
    assert "Mo Test" in text(client.get(f"/alerts/communities/{key}/"))


def test_a_community_shows_only_the_edges_on_records_the_user_may_read(
    detected: None, write_bundle: BundleWriter
) -> None:
    # A social worker reads pol-1 alone, once a new version shares it with them.
    shared = concern("pol-1", "Kayla Test", 14)
    bundle_ingest(path=write_bundle(records=[{**shared, "shared_with": ["children_social_care"]}]))
    sign_in_at("analyst@csc.example", "analyst", "children_social_care")
    found = selectors.community_list(user=_user())
    (shown,) = found.communities
    assert len(shown.members) == 3  # Kayla, the man and the car: pol-1's mentions
    assert shown.concern_records == 1
    stored = models.Community.objects.get()
    assert shown.withheld_edges == stored.edge_count - 3  # pol-1 joins three pairs
    assert shown.children == 1 and shown.adults == 1
    # Any member's page finds the community; one the user may not see is not found.
    hidden = (
        models.CommunityMember.objects.filter(age="child")
        .exclude(entity_id__in=shown.members)
        .values_list("entity_id", flat=True)
        .first()
    )
    assert hidden is not None
    detail = selectors.community_detail(entity_id=hidden, user=_user())
    assert detail is not None and hidden not in detail.members
    assert selectors.community_detail(entity_id="person-none", user=_user()) is None


def _user() -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(email="analyst@csc.example")


def test_no_run_yet_lists_no_communities() -> None:
    client = sign_in("analyst@police.example", "analyst")
    page = text(client.get("/alerts/communities/"))
    assert "0 communities" in page


def test_communities_are_paginated(
    write_bundle: BundleWriter, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vigil.web.alerts import views

    bundle_ingest(
        path=write_bundle(
            records=[
                concern("pol-1", "Kayla Test", 14),
                concern("pol-2", "Leah Example", 13),
                concern("pol-8", "Amy Other", 12, man="Rob Else", plate="ZZ99 ZZZ"),
                concern("pol-9", "Bea Other", 13, man="Rob Else", plate="ZZ99 ZZZ"),
            ]
        )
    )
    entities_link()
    alerts_detect()
    assert models.Community.objects.count() == 2
    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    client = sign_in("analyst@police.example", "analyst")
    first = text(client.get("/alerts/communities/"))
    second = text(client.get("/alerts/communities/?page=2"))
    keys = [
        next(k for k in models.Community.objects.values_list("key", flat=True) if k in page)
        for page in (first, second)
    ]
    assert len(set(keys)) == 2


def test_a_groups_kept_list_is_built_again_when_records_change(
    detected: None, write_bundle: BundleWriter
) -> None:
    # Kept for the group once built; a new record version shared with it builds afresh.
    sign_in_at("analyst@csc.example", "analyst", "children_social_care")
    before = selectors.community_list(user=_user())
    assert before.communities == [] and before.withheld == 1
    assert selectors.community_list(user=_user(), order="records").withheld == 1
    shared = concern("pol-1", "Kayla Test", 14)
    bundle_ingest(path=write_bundle(records=[{**shared, "shared_with": ["children_social_care"]}]))
    after = selectors.community_list(user=_user())
    (shown,) = after.communities
    assert after.withheld == 0 and shown.concern_records == 1
    alerted = models.Alert.objects.filter(rule="exploitation_community").exists()
    only_alerted = selectors.community_list(user=_user(), alerted_only=True).communities
    assert only_alerted == ([shown] if alerted else [])
