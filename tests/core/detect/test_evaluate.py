"""Scoring alerts against truth: an alert a later link re-keyed or withdrew still counts."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from vigil.core.detect.evaluate import score_alerts, second_concern_about_the_men
from vigil.core.detect.finding import Finding
from vigil.core.detect.priority import Priority
from vigil.core.detect.run import Alert

# One network (man "m", girl "g"), one bystander ("b"); truth's second concern on 1 March.
TRUTH: dict[str, Any] = {
    "mentions": [
        {"record_id": "r1", "ref": "p1", "entity_id": "m"},
        {"record_id": "r1", "ref": "p2", "entity_id": "g"},
        {"record_id": "r2", "ref": "p1", "entity_id": "m"},
        {"record_id": "r3", "ref": "p1", "entity_id": "b"},
    ],
    "networks": [
        {
            "network_id": "net-1",
            "members": {"adults": ["m"], "children": ["g"]},
            "second_independent_concern": "2010-03-01T00:00:00+00:00",
        }
    ],
    "decoys": [],
}
MARCH, APRIL, JUNE = (datetime(2010, month, 1, tzinfo=UTC) for month in (3, 4, 6))


def alert(subject: str, *mentions: tuple[str, str]) -> Alert:
    found = Finding(
        rule="adult_linked_to_children",
        subject_ids=(subject,),
        entity_ids=(subject,),
        mentions=tuple(mentions),
        record_ids=tuple(sorted({r for r, _ in mentions})),
        triggered_at=MARCH,
        explanation="",
    )
    return Alert(found, Priority(1.0, 1.0, 1.0, 1.0, ""))


# At the end the man is "person-new" (a full link re-keyed him); he was "person-old" in April.
FINAL = alert("person-new", ("r1", "p1"), ("r2", "p1"))
ENTITY_OF = {("r1", "p1"): "person-new", ("r2", "p1"): "person-new", ("r3", "p1"): "person-b"}
RAISED_AT = {FINAL.finding.key: JUNE, "rule:person-old": APRIL, "rule:person-b": APRIL}


def test_without_ever_raised_the_final_key_dates_the_network() -> None:
    scores = score_alerts([FINAL], TRUTH, ENTITY_OF, high=500.0, raised_at=RAISED_AT)
    assert scores.median_lead_days == (JUNE - MARCH).days
    assert scores.lead_days == ((JUNE - MARCH).days,)  # what the bench pools over towns
    assert scores.raised_precision is None


def test_an_earlier_alert_on_the_same_man_under_an_old_id_dates_the_network() -> None:
    ever = {
        FINAL.finding.key: (("r1", "p1"), ("r2", "p1")),
        "rule:person-old": (("r1", "p1"),),
        "rule:person-b": (("r3", "p1"),),  # withdrawn, about a bystander
    }
    scores = score_alerts(
        [FINAL], TRUTH, ENTITY_OF, high=500.0, raised_at=RAISED_AT, ever_raised=ever
    )
    assert scores.median_lead_days == (APRIL - MARCH).days
    # The withdrawn false alert counts against what was ever raised, not the final queue.
    assert scores.raised_precision == pytest.approx(2 / 3)
    assert scores.alert_precision == 1.0
    assert scores.network_recall == 1.0


def test_a_network_only_ever_alerted_by_a_withdrawn_alert_is_not_found() -> None:
    ever = {"rule:person-old": (("r1", "p1"),)}
    scores = score_alerts([], TRUTH, {}, high=500.0, raised_at=RAISED_AT, ever_raised=ever)
    assert scores.network_recall == 0.0
    assert scores.median_lead_days is None
    assert scores.lead_days == ()
    assert scores.raised_precision == 1.0


def test_an_alert_whose_subject_mentions_are_unknown_to_truth_is_wrong() -> None:
    ever = {FINAL.finding.key: (("r1", "p1"),), "rule:person-old": (("r9", "p9"),)}
    scores = score_alerts(
        [FINAL], TRUTH, ENTITY_OF, high=500.0, raised_at=RAISED_AT, ever_raised=ever
    )
    assert scores.raised_precision == 0.5
    assert scores.median_lead_days == (JUNE - MARCH).days


def test_ever_raised_needs_when_each_was_raised() -> None:
    with pytest.raises(ValueError, match="raised_at"):
        score_alerts([FINAL], TRUTH, ENTITY_OF, high=500.0, ever_raised={"k": ()})


def test_the_second_concern_about_the_men_skips_records_naming_only_the_child() -> None:
    truth: dict[str, Any] = {
        "mentions": [
            {"record_id": "school", "ref": "p1", "entity_id": "g"},
            {"record_id": "missing", "ref": "p1", "entity_id": "g"},
            {"record_id": "taxi", "ref": "p1", "entity_id": "m"},
            {"record_id": "car", "ref": "v1", "entity_id": "v"},
            {"record_id": "meeting", "ref": "p1", "entity_id": "m"},
            {"record_id": "meeting", "ref": "p2", "entity_id": "g"},
            {"record_id": "other", "ref": "p1", "entity_id": "m"},
        ],
        "networks": [
            {
                "network_id": "net-1",
                "members": {"adults": ["m"], "children": ["g"], "vehicles": ["v"]},
                "record_ids": ["school", "missing", "taxi", "car", "meeting"],
            },
            {"network_id": "net-2", "members": {"adults": ["x"]}, "record_ids": []},
        ],
    }
    records = [
        {"id": "school", "agency": "education", "recorded_at": "2006-08-26T11:21:00Z"},
        {"id": "missing", "agency": "police", "recorded_at": "2006-09-04T22:26:00Z"},
        {"id": "taxi", "agency": "licensing", "recorded_at": "2006-10-01T09:00:00Z"},
        # Same agency as the first about the man: not independent of it.
        {"id": "car", "agency": "licensing", "recorded_at": "2006-10-20T09:00:00Z"},
        {"id": "meeting", "agency": "children_social_care", "recorded_at": "2006-11-23T10:00:00Z"},
        # Names the man but is not one of the network's records.
        {"id": "other", "agency": "health", "recorded_at": "2006-10-10T10:00:00Z"},
    ]
    found = second_concern_about_the_men(truth, records)
    assert found == {"net-1": "2006-11-23T10:00:00Z", "net-2": None}
    on_the_man = alert("m", ("taxi", "p1"))
    raised = {on_the_man.finding.key: datetime(2006, 12, 1, tzinfo=UTC)}
    scores = score_alerts(
        [on_the_man],
        {**truth, "decoys": []},
        {("taxi", "p1"): "m"},
        high=500.0,
        raised_at=raised,
        second_concern=found,
    )
    assert scores.median_lead_days == 7  # 23 November 10:00 to 1 December
