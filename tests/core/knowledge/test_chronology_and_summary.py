"""The chronology and its summary on hand-made facts."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

from vigil.core.knowledge import (
    ActionFact,
    EventKind,
    KnowledgeFacts,
    ReadFact,
    RecordFact,
    StaffFact,
    build_chronology,
    report_as_csv,
    report_as_dict,
    report_as_html,
    summarise,
)


def at(year: int, month: int, day: int, hour: int = 9) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


STAFF = {
    s.staff_id: s
    for s in (
        StaffFact("pol-1", "police"),
        StaffFact("pol-2", "police"),
        StaffFact("csc-1", "children_social_care"),
        StaffFact("csc-2", "children_social_care"),
        StaffFact("yth-1", "youth_service"),
        StaffFact("hea-1", "health"),
    )
}


def facts(actions: tuple[ActionFact, ...] = ()) -> KnowledgeFacts:
    return KnowledgeFacts(
        entity_ids=("person-1",),
        records=(
            RecordFact(
                "yth-ref-1",
                "youth_service",
                "referral",
                at(2002, 3, 10),
                author="yth-1",
                title="Concern for young person",
                shared_with=("children_social_care",),
            ),
            RecordFact(
                "pol-int-1",
                "police",
                "intelligence",
                at(2002, 1, 5),
                author="pol-1",
                title="Girl seen getting into car",
            ),
            RecordFact(
                "csc-mtg-1",
                "children_social_care",
                "meeting",
                at(2002, 6, 1),
                author="csc-1",
                title="Multi-agency meeting",
                attendees=("csc-1", "pol-1", "hea-1"),
            ),
        ),
        reads=(
            ReadFact("pol-int-1", "pol-2", at(2002, 1, 6)),
            ReadFact("pol-int-1", "pol-1", at(2002, 1, 7)),
        ),
        actions=actions,
        staff=STAFF,
    )


NFA_REASONED = ActionFact(
    "act-1",
    "no_further_action",
    at(2002, 3, 20),
    "children_social_care",
    ("yth-ref-1",),
    by="csc-2",
    approved_by="csc-1",
    rationale="Does not meet threshold.",
)
NFA_BARE = ActionFact(
    "act-2", "no_further_action", at(2002, 1, 9), "police", ("pol-int-1",), by="pol-1"
)
ARREST = ActionFact("act-3", "arrest", at(2004, 1, 5, 12), "police", ("pol-int-1",), by="pol-2")
PLAN = ActionFact(
    "act-4",
    "safeguarding_plan",
    at(2003, 2, 1),
    "children_social_care",
    ("yth-ref-1",),
    by="csc-1",
    rationale="Plan",
)


def test_chronology_is_in_time_order_with_every_kind_of_event() -> None:
    events = build_chronology(facts((NFA_REASONED, NFA_BARE, ARREST)))
    assert [e.when for e in events] == sorted(e.when for e in events)
    assert events[0].kind is EventKind.RECORDED and events[0].record_id == "pol-int-1"
    kinds = {e.kind for e in events}
    assert kinds == set(EventKind)
    discussed = [e for e in events if e.kind is EventKind.DISCUSSED]
    assert {(e.staff, e.agency) for e in discussed} == {
        ("csc-1", "children_social_care"),
        ("pol-1", "police"),
        ("hea-1", "health"),
    }
    shared = next(e for e in events if e.kind is EventKind.SHARED)
    assert (shared.agency, shared.staff, shared.when) == (
        "children_social_care",
        None,
        at(2002, 3, 10),
    )
    nfa = [e for e in events if e.action_kind == "no_further_action"]
    assert {(e.staff, e.kind) for e in nfa} == {
        ("pol-1", EventKind.DECIDED),
        ("csc-2", EventKind.DECIDED),
        ("csc-1", EventKind.DECIDED),  # the approver
    }
    assert next(e for e in events if e.action_kind == "arrest").kind is EventKind.ACTED


def test_events_never_carry_a_rationale() -> None:
    events = build_chronology(facts((NFA_REASONED,)))
    assert not any("threshold" in e.summary for e in events)
    assert next(e for e in events if e.staff == "csc-2").has_rationale is True


def test_summary_figures() -> None:
    chosen = facts((NFA_REASONED, NFA_BARE, PLAN, ARREST))
    summary = summarise(chosen, build_chronology(chosen))
    assert summary.first_knowledge == at(2002, 1, 5)
    assert summary.agencies_first_knew == {
        "police": at(2002, 1, 5),
        "youth_service": at(2002, 3, 10),
        "children_social_care": at(2002, 3, 10),  # shared with it when recorded
        "health": at(2002, 6, 1),
    }
    assert list(summary.agencies_first_knew) == [
        "police",
        "youth_service",
        "children_social_care",
        "health",
    ]
    # pol-1 wrote, read, attended and decided: counted once.
    assert summary.professionals == 6
    assert summary.professionals_by_agency == {
        "children_social_care": 2,
        "health": 1,
        "police": 2,
        "youth_service": 1,
    }
    nfa = summary.no_further_action
    assert (nfa.count, nfa.with_rationale, nfa.without_rationale) == (2, 1, 1)
    assert nfa.deciders == ("csc-2", "pol-1")
    assert summary.first_action is not None
    assert (summary.first_action.kind, summary.first_action.action_id) == (
        "safeguarding_plan",
        "act-4",
    )
    assert summary.gap_days == (at(2003, 2, 1) - at(2002, 1, 5)).days == 392
    assert not summary.gap_until_now


def test_the_qualifying_kinds_are_configurable() -> None:
    chosen = facts((PLAN, ARREST))
    summary = summarise(chosen, build_chronology(chosen), qualifying={"arrest", "conviction"})
    assert summary.first_action is not None and summary.first_action.kind == "arrest"
    assert summary.gap_days == 730  # 2002-01-05 09:00 to 2004-01-05 12:00
    assert summary.qualifying == ("arrest", "conviction")


def test_never_acted_on_runs_the_gap_to_now_or_leaves_it_unknown() -> None:
    chosen = facts((NFA_BARE,))
    events = build_chronology(chosen)
    unknown = summarise(chosen, events)
    assert unknown.first_action is None and unknown.gap_days is None
    assert not unknown.gap_until_now
    now = summarise(chosen, events, now=at(2012, 1, 5))
    assert now.first_action is None and now.gap_until_now
    assert now.gap_days == (at(2012, 1, 5) - at(2002, 1, 5)).days


def test_nothing_known() -> None:
    empty = KnowledgeFacts(entity_ids=("person-9",))
    summary = summarise(empty, build_chronology(empty), now=at(2020, 1, 1))
    assert summary.first_knowledge is None and summary.gap_days is None
    assert summary.professionals == 0 and summary.agencies_first_knew == {}


def test_vigil_views_name_their_agency() -> None:
    chosen = KnowledgeFacts(
        entity_ids=("person-1",),
        reads=(ReadFact("r1", "vigil-user:7", at(2025, 1, 1), source="vigil", agency="police"),),
    )
    (event,) = build_chronology(chosen)
    assert (event.kind, event.agency, event.summary) == (
        EventKind.READ,
        "police",
        "viewed in Vigil",
    )


def test_renderings() -> None:
    chosen = facts((NFA_REASONED, ARREST))
    events = build_chronology(chosen)
    summary = summarise(chosen, events)
    as_json = json.loads(json.dumps(report_as_dict(summary, events)))
    assert as_json["summary"]["first_knowledge"] == "2002-01-05T09:00:00+00:00"
    assert len(as_json["chronology"]) == len(events)
    rows = list(csv.DictReader(io.StringIO(report_as_csv(events))))
    assert [row["kind"] for row in rows] == [str(e.kind) for e in events]
    html = report_as_html(summary, events)
    assert html.startswith("<!DOCTYPE html>") and "http" not in html
    assert "Girl seen getting into car" in html and "threshold" not in html
