"""Each rule just below and just above its threshold, with missing and partial data."""

from __future__ import annotations

from vigil.core.detect import detect, load_config
from vigil.core.detect.inputs import Mention, Record

from .helpers import action, build, concern, day, record

AS_OF = day(400)


def rules_fired(data, rule):  # type: ignore[no-untyped-def]
    return [a.finding for a in detect(data, as_of=AS_OF, rules=(rule,))]


def test_concern_needs_child_and_adult_or_a_concern_offence() -> None:
    child_only = record("r1", 1, [("c1", "subject", 14)])
    adult_only = record("r2", 2, [("a1", "associate", 30)])
    offence = record("r3", 3, [("c2", "victim", 15)], kind="crime", offence="22B")
    data = build(
        child_only, adult_only, offence, record("r4", 4, [("c2", "victim", 15)], offence="88A")
    )
    found = rules_fired(data, "multi_agency_concern")
    assert found == []  # one agency only; evidence below shows what counts
    two = build(offence, record("r4", 4, [("c2", "victim", 15)], agency="health", offence="88A"))
    assert [f.subject_ids for f in rules_fired(two, "multi_agency_concern")] == [("c2",)]


def test_recurring_concern_unactioned_threshold_and_sla() -> None:
    one = build(concern("r1", 1, "a1", "c1"))
    assert rules_fired(one, "recurring_concern_unactioned") == []
    two = build(concern("r1", 1, "a1", "c1"), concern("r2", 50, "a1", "c1"))
    subjects = {f.subject_ids for f in rules_fired(two, "recurring_concern_unactioned")}
    assert subjects == {("a1",), ("c1",)}
    # An investigation on the second record within 28 days answers it.
    answered = build(
        concern("r1", 1, "a1", "c1"),
        concern("r2", 50, "a1", "c1"),
        actions=[action("x", 60, "investigation_opened", ("r2",))],
    )
    assert rules_fired(answered, "recurring_concern_unactioned") == []
    # ... but not when it came after the SLA (day 50 + 28 = 78).
    late = build(
        concern("r1", 1, "a1", "c1"),
        concern("r2", 50, "a1", "c1"),
        actions=[action("x", 79, "investigation_opened", ("r2",))],
    )
    assert rules_fired(late, "recurring_concern_unactioned")
    # A concern still inside its SLA on the detection date does not count yet.
    recent = build(concern("r1", 1, "a1", "c1"), concern("r2", 390, "a1", "c1"))
    assert rules_fired(recent, "recurring_concern_unactioned") == []


def test_multi_agency_concern() -> None:
    same = build(concern("r1", 1, "a1", "c1"), concern("r2", 2, "a1", "c1"))
    assert rules_fired(same, "multi_agency_concern") == []
    two = build(concern("r1", 1, "a1", "c1"), concern("r2", 2, "a1", "c1", agency="health"))
    found = rules_fired(two, "multi_agency_concern")
    assert {f.subject_ids for f in found} == {("a1",), ("c1",)}
    assert all(f.triggered_at == day(2) for f in found)
    assert "health, police" in found[0].explanation


def test_adult_linked_to_children() -> None:
    one = build(concern("r1", 1, "a1", "c1"), concern("r2", 2, "a1", "c1"))
    assert rules_fired(one, "adult_linked_to_children") == []
    two = build(concern("r1", 1, "a1", "c1"), concern("r2", 2, "a1", "c2"))
    found = rules_fired(two, "adult_linked_to_children")
    assert [f.subject_ids for f in found] == [("a1",)]
    assert found[0].record_ids == ("r1", "r2")


def test_age_from_dob_and_missing_age() -> None:
    # Age from date of birth at the occurred date: 17 on the day, so a child.
    rec = Record("r1", "police", "intelligence", day(1), None, day(1).date())
    dob = f"{day(1).year - 18}-{day(1).month:02d}-{day(1).day + 1:02d}"
    m = [
        Mention("r1", "p1", "c1", "person", "subject", None, dob),
        Mention("r1", "p2", "a1", "person", "associate", None, None),
    ]
    rec2 = Record("r2", "police", "intelligence", day(2), None, None)  # no occurred date
    m2 = [
        Mention("r2", "p1", "c2", "person", "subject", None, None),  # age unknown: not a child
        Mention("r2", "p2", "a1", "person", "associate", 30.0, None),
    ]
    data = build((rec, m, []), (rec2, m2, []))
    assert rules_fired(data, "adult_linked_to_children") == []
    m2[0] = Mention("r2", "p1", "c2", "person", "subject", None, "1999")  # partial dob
    data = build((rec, m, []), (rec2, m2, []))
    assert [f.subject_ids for f in rules_fired(data, "adult_linked_to_children")] == [("a1",)]


def test_object_linked_to_children_ignores_school() -> None:
    def with_car(rid: str, when: int, child: str, link: str = "passenger") -> object:
        return record(
            rid,
            when,
            [(child, "subject", 13), ("a1", "associate", 30)],
            others=[("v1", "vehicle", None)],
            links=[(child, "v1", link)],
        )

    assert rules_fired(build(with_car("r1", 1, "c1")), "object_linked_to_children") == []
    two = build(with_car("r1", 1, "c1"), with_car("r2", 2, "c2"))
    assert [f.subject_ids for f in rules_fired(two, "object_linked_to_children")] == [("v1",)]
    school = build(with_car("r1", 1, "c1", "attends"), with_car("r2", 2, "c2", "attends"))
    assert rules_fired(school, "object_linked_to_children") == []


def test_missing_with_association() -> None:
    def missing(rid: str, when: int, with_adult: bool) -> object:
        people = [("c1", "subject", 14), ("parent", "reporter", 40)]
        if with_adult:
            people.append(("a1", "associate", 30))
        return record(rid, when, people, kind="missing_episode")

    least = int(load_config().rule("missing_with_association")["min_missing"])
    fewer = build(missing("m1", 1, True), *(missing(f"m{i}", i, False) for i in range(2, least)))
    assert rules_fired(fewer, "missing_with_association") == []
    alone = build(*(missing(f"m{i}", i, False) for i in range(1, least + 2)))
    assert rules_fired(alone, "missing_with_association") == []  # a reporter is no association
    enough = build(*(missing(f"m{i}", i, False) for i in range(1, least)), missing("mx", 9, True))
    found = rules_fired(enough, "missing_with_association")
    assert [f.subject_ids for f in found] == [("c1",)]
    assert f"{least} times" in found[0].explanation


def test_victim_and_offender() -> None:
    victim = record("r1", 1, [("c1", "victim", 14)], kind="crime", offence="22B")
    assert rules_fired(build(victim), "victim_and_offender") == []
    offender = record("r2", 5, [("c1", "suspect", 14)], kind="crime")
    assert [f.subject_ids for f in rules_fired(build(victim, offender), "victim_and_offender")] == [
        ("c1",)
    ]
    adult_offender = record("r2", 5, [("c1", "suspect", 19)], kind="crime")
    assert rules_fired(build(victim, adult_offender), "victim_and_offender") == []


def test_repeated_no_further_action() -> None:
    reason = "Victim declined to make a statement."
    one = build(
        concern("r1", 1, "a1", "c1"),
        actions=[action("n1", 5, "no_further_action", ("r1",), reason)],
    )
    assert rules_fired(one, "repeated_no_further_action") == []
    bare = build(
        concern("r1", 1, "a1", "c1"), actions=[action("n1", 5, "no_further_action", ("r1",), "")]
    )
    found = rules_fired(bare, "repeated_no_further_action")
    assert {f.subject_ids for f in found} == {("a1",), ("c1",)}
    assert "no written rationale" in found[0].explanation
    twice = build(
        concern("r1", 1, "a1", "c1"),
        concern("r2", 9, "a1", "c1"),
        actions=[
            action("n1", 5, "no_further_action", ("r1",), reason),
            action("n2", 12, "no_further_action", ("r2",), reason),
        ],
    )
    assert {f.subject_ids for f in rules_fired(twice, "repeated_no_further_action")} == {
        ("a1",),
        ("c1",),
    }


def test_exploitation_community_thresholds() -> None:
    group = build(
        concern("r1", 1, "a1", "c1"),
        concern("r2", 2, "a2", "c2"),
        concern("r3", 3, "a1", "c2"),
        concern("r4", 4, "a2", "c1"),
    )
    found = rules_fired(group, "exploitation_community")
    assert [f.subject_ids for f in found] == [("a1",)]  # the earliest-known adult
    assert "2 adults and 2 children" in found[0].explanation
    too_few = build(concern("r1", 1, "a1", "c1"), concern("r2", 2, "a1", "c2"))
    assert rules_fired(too_few, "exploitation_community") == []


def test_alert_identity_kept_as_evidence_grows() -> None:
    first = build(concern("r1", 1, "a1", "c1"), concern("r2", 2, "a1", "c2"))
    more = build(
        concern("r1", 1, "a1", "c1"), concern("r2", 2, "a1", "c2"), concern("r3", 3, "a1", "c3")
    )
    before = {f.key: f for f in rules_fired(first, "adult_linked_to_children")}
    after = {f.key: f for f in rules_fired(more, "adult_linked_to_children")}
    assert before.keys() == after.keys()
    key = next(iter(before))
    assert before[key].alert_id == after[key].alert_id
    assert len(after[key].record_ids) == 3
