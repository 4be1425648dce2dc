"""Each rule a–h just below and just above each threshold, with missing dates and partial data.

Thresholds are read from the packaged config, so these tests follow it if it changes.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from vigil.core.detect import Mention, Record, detect, load_config
from vigil.core.detect.finding import Finding

from .helpers import action, build, concern, day, record

CONFIG = load_config()
AS_OF = day(400)


def fired(data: Any, rule: str, as_of: Any = AS_OF) -> list[Finding]:
    return [a.finding for a in detect(data, as_of=as_of, rules=(rule,))]


def subjects(data: Any, rule: str, as_of: Any = AS_OF) -> set[tuple[str, ...]]:
    return {f.subject_ids for f in fired(data, rule, as_of)}


def setting(rule: str, name: str) -> int:
    return int(CONFIG.rule(rule)[name])


# (a) recurring_concern_unactioned: min_concerns, sla_days ---------------------------------


def test_a_concern_count_just_below_and_at_the_threshold() -> None:
    least = setting("recurring_concern_unactioned", "min_concerns")
    below = build(*(concern(f"r{i}", i * 30, "a1", "c1") for i in range(least - 1)))
    at = build(*(concern(f"r{i}", i * 30, "a1", "c1") for i in range(least)))
    assert subjects(below, "recurring_concern_unactioned") == set()
    assert subjects(at, "recurring_concern_unactioned") == {("a1",), ("c1",)}


def test_a_sla_boundary_on_the_last_concern() -> None:
    sla = setting("recurring_concern_unactioned", "sla_days")
    last_day = 400 - sla  # due exactly at the detection date: past its SLA
    due_now = build(concern("r1", 1, "a1", "c1"), concern("r2", last_day, "a1", "c1"))
    not_yet = build(concern("r1", 1, "a1", "c1"), concern("r2", last_day + 1, "a1", "c1"))
    assert subjects(due_now, "recurring_concern_unactioned") == {("a1",), ("c1",)}
    (f,) = [f for f in fired(due_now, "recurring_concern_unactioned") if f.subject_ids == ("a1",)]
    assert f.triggered_at == day(last_day) + timedelta(days=sla)
    assert subjects(not_yet, "recurring_concern_unactioned") == set()


def test_a_action_on_the_last_day_of_the_sla_answers_and_a_day_late_does_not() -> None:
    sla = setting("recurring_concern_unactioned", "sla_days")
    parts = (concern("r1", 1, "a1", "c1"), concern("r2", 50, "a1", "c1"))
    on_time = build(*parts, actions=[action("x", 50 + sla, "charge", ("r2",))])
    late = build(*parts, actions=[action("x", 51 + sla, "charge", ("r2",))])
    not_qualifying = build(*parts, actions=[action("x", 55, "no_further_action", ("r2",), "x")])
    assert subjects(on_time, "recurring_concern_unactioned") == set()
    assert subjects(late, "recurring_concern_unactioned") == {("a1",), ("c1",)}
    assert subjects(not_qualifying, "recurring_concern_unactioned") == {("a1",), ("c1",)}


def test_a_missing_dates_and_partial_people() -> None:
    # No occurred date and no age: the child's age comes from a partial date of birth
    # measured to the recorded date; a person with neither age nor dob is not a child,
    # so the record is no concern (no offence code) and nothing fires.
    def rec(rid: str, when: int, dob: str | None) -> Any:
        r = Record(rid, "police", "intelligence", day(when), None, None)
        return (
            r,
            [
                Mention(rid, "p0", "c1", "person", "subject", None, dob),
                Mention(rid, "p1", "a1", "person", "associate", None, None),
            ],
            [],
        )

    partial = build(rec("r1", 1, "2000"), rec("r2", 60, "2000-05"))
    unknown = build(rec("r1", 1, None), rec("r2", 60, None))
    assert subjects(partial, "recurring_concern_unactioned") == {("a1",), ("c1",)}
    assert subjects(unknown, "recurring_concern_unactioned") == set()


# (b) multi_agency_concern: min_agencies -----------------------------------------------------


def test_b_agencies_just_below_and_at_the_threshold() -> None:
    least = setting("multi_agency_concern", "min_agencies")
    agencies = ["police", "health", "social_care", "education", "youth_offending"]
    below = build(*(concern(f"r{i}", i, "a1", "c1", agency=agencies[i]) for i in range(least - 1)))
    at = build(*(concern(f"r{i}", i, "a1", "c1", agency=agencies[i]) for i in range(least)))
    same = build(*(concern(f"r{i}", i, "a1", "c1") for i in range(least + 2)))
    assert subjects(below, "multi_agency_concern") == set()
    assert subjects(at, "multi_agency_concern") == {("a1",), ("c1",)}
    assert subjects(same, "multi_agency_concern") == set()  # many records, one agency


def test_b_partial_data_a_reporter_and_a_non_concern_record_do_not_count() -> None:
    # The second agency's record names the child only as a witness, and no adult: not a concern.
    witness = record("r2", 2, [("c1", "witness", 14)], agency="health")
    plain = record("r3", 3, [("c1", "subject", 14)], agency="education")  # child, no adult
    data = build(concern("r1", 1, "a1", "c1"), witness, plain)
    assert subjects(data, "multi_agency_concern") == set()


def test_b_intelligence_about_an_adult_counts_as_its_agencys_concern() -> None:
    extra = CONFIG.rule("multi_agency_concern")["also_count"]["adult"]
    kind, role = extra["kinds"][0], extra["roles"][0]

    def intel(rid: str, when: int, person: str, age: float | None, **kw: Any) -> Any:
        return record(rid, when, [(person, role, age)], kind=kind, **kw)

    social_care = concern("r1", 10, "a1", "c1", agency="social_care")
    # Police intelligence on the man, then social care's concern about him with a child.
    both = build(intel("i1", 1, "a1", 30), social_care)
    (f,) = fired(both, "multi_agency_concern")
    assert f.subject_ids == ("a1",) and f.triggered_at == day(10)
    assert ("i1", "p0") in f.mentions
    # The same, the intelligence coming after: triggered by the intelligence.
    (g,) = fired(build(social_care, intel("i1", 20, "a1", 30)), "multi_agency_concern")
    assert g.triggered_at == day(20)
    # Intelligence from two agencies but no concern record proper: nothing.
    alone = build(intel("i1", 1, "a1", 30), intel("i2", 2, "a1", 30, agency="licensing"))
    assert subjects(alone, "multi_agency_concern") == set()
    # The same agency as the concern record: one agency only.
    same = build(intel("i1", 1, "a1", 30, agency="social_care"), social_care)
    assert subjects(same, "multi_agency_concern") == set()
    # A child named in intelligence is not an adult; unknown age counts as adult.
    child = build(intel("i1", 1, "c1", 14), social_care)
    assert subjects(child, "multi_agency_concern") == set()
    unknown = build(intel("i1", 1, "a1", None), social_care)
    assert subjects(unknown, "multi_agency_concern") == {("a1",)}
    # Another kind of record, or another role, does not count.
    other = build(record("o1", 1, [("a1", role, 30)], kind="other"), social_care)
    witness = build(record("w1", 1, [("a1", "witness", 30)], kind=kind), social_care)
    assert subjects(other, "multi_agency_concern") == set()
    assert subjects(witness, "multi_agency_concern") == set()


def test_b_another_agencys_record_about_the_child_counts_as_its_concern() -> None:
    extra = CONFIG.rule("multi_agency_concern")["also_count"]["child"]
    kind, role = extra["kinds"][0], extra["roles"][0]

    def about(rid: str, when: int, age: float | None, **kw: Any) -> Any:
        return record(rid, when, [("c1", role, age)], kind=kind, agency="health", **kw)

    police = concern("r1", 10, "a1", "c1")
    # A health record about the girl before police's concern: fires on her at the concern.
    (f,) = fired(build(about("h1", 1, 14), police), "multi_agency_concern")
    assert f.subject_ids == ("c1",) and f.triggered_at == day(10)
    # Just after: fires at the health record; the adult named only by police does not.
    (g,) = fired(build(police, about("h1", 11, 14)), "multi_agency_concern")
    assert g.subject_ids == ("c1",) and g.triggered_at == day(11)
    # Without any concern record proper, records about a child never fire.
    alone = build(about("h1", 1, 14), about("h2", 2, 14))
    assert subjects(alone, "multi_agency_concern") == set()
    # Partial data: her age unknown in the health record, or 18 by then: not known a child.
    unknown = build(about("h1", 1, None), police)
    adult_by_then = build(about("h1", 1, CONFIG.concern.child_age), police)
    assert subjects(unknown, "multi_agency_concern") == set()
    assert subjects(adult_by_then, "multi_agency_concern") == set()
    # A kind not listed (an attendance record) or a reporter's role does not count.
    other = record("o1", 1, [("c1", role, 14)], kind="other", agency="education")
    reporter = record("p1", 1, [("c1", "reporter", 14)], kind=kind, agency="health")
    assert subjects(build(other, police), "multi_agency_concern") == set()
    assert subjects(build(reporter, police), "multi_agency_concern") == set()


# (c) adult_linked_to_children: min_children, child age --------------------------------------


def test_c_children_just_below_and_at_the_threshold() -> None:
    least = setting("adult_linked_to_children", "min_children")
    below = build(*(concern(f"r{i}", i, "a1", f"c{i}") for i in range(least - 1)))
    at = build(*(concern(f"r{i}", i, "a1", f"c{i}") for i in range(least)))
    assert subjects(below, "adult_linked_to_children") == set()
    assert subjects(at, "adult_linked_to_children") == {("a1",)}


def test_c_child_age_just_below_and_at_adulthood() -> None:
    age = CONFIG.concern.child_age

    def with_second(second_age: float) -> Any:
        return build(
            concern("r1", 1, "a1", "c1"),
            record("r2", 2, [("c2", "subject", second_age), ("a1", "associate", 30)]),
        )

    assert subjects(with_second(age - 0.01), "adult_linked_to_children") == {("a1",)}
    assert subjects(with_second(age), "adult_linked_to_children") == set()


def test_c_missing_dates_dob_against_recorded_date() -> None:
    # No occurred date: the dob is measured to the recorded date (2010-01-03).
    def rec(rid: str, when: int, child: str, dob: str) -> Any:
        r = Record(rid, "police", "intelligence", day(when), None, None)
        return (
            r,
            [
                Mention(rid, "p0", child, "person", "subject", None, dob),
                Mention(rid, "p1", "a1", "person", "associate", 40.0, None),
            ],
            [],
        )

    child = build(rec("r1", 1, "c1", "1995-06-01"), rec("r2", 2, "c2", "1992-01-04"))  # 17 and 17
    adult = build(rec("r1", 1, "c1", "1995-06-01"), rec("r2", 2, "c2", "1992-01-03"))  # 17 and 18
    assert subjects(child, "adult_linked_to_children") == {("a1",)}
    assert subjects(adult, "adult_linked_to_children") == set()
    bad_dob = build(rec("r1", 1, "c1", "1995-06-01"), rec("r2", 2, "c2", "not a date"))
    assert subjects(bad_dob, "adult_linked_to_children") == set()


# (d) object_linked_to_children: min_children, ignored links and roles ---------------------


def car(rid: str, when: int, child: str, *, link: str = "passenger", role: Any = None) -> Any:
    return record(
        rid,
        when,
        [(child, "subject", 13), ("a1", "associate", 30)],
        others=[("v1", "vehicle", role)],
        links=[(child, "v1", link)],
    )


def test_d_children_just_below_and_at_the_threshold() -> None:
    least = setting("object_linked_to_children", "min_children")
    below = build(*(car(f"r{i}", i, f"c{i}") for i in range(least - 1)))
    at = build(*(car(f"r{i}", i, f"c{i}") for i in range(least)))
    assert subjects(below, "object_linked_to_children") == set()
    assert subjects(at, "object_linked_to_children") == {("v1",)}


def test_d_partial_data_ignored_links_roles_and_types() -> None:
    least = setting("object_linked_to_children", "min_children")
    # One of the children's links is a home address: below the threshold again.
    mixed = build(
        *(car(f"r{i}", i, f"c{i}") for i in range(least - 1)),
        car("rx", 99, "cx", link="lives_at"),
    )
    assert subjects(mixed, "object_linked_to_children") == set()
    victim = build(*(car(f"r{i}", i, f"c{i}", role="victim") for i in range(least)))
    assert subjects(victim, "object_linked_to_children") == set()  # a stolen car is no association
    # A type not configured (an email address) never fires.
    emails = build(
        *(
            record(
                f"r{i}",
                i,
                [(f"c{i}", "subject", 13), ("a1", "associate", 30)],
                others=[("e1", "email", None)],
            )
            for i in range(least + 1)
        )
    )
    assert subjects(emails, "object_linked_to_children") == set()


# (e) missing_with_association: min_missing ----------------------------------------------


def missing(rid: str, when: int, *, adult: bool = False, link: str | None = None) -> Any:
    people: list[tuple[str, str, float | None]] = [("c1", "subject", 14), ("mum", "reporter", 40)]
    links: list[tuple[str, str, str]] = []
    if adult:
        people.append(("a1", "associate", 30))
    if link is not None:
        people.append(("u1", None, 35))  # type: ignore[arg-type]  # a person with no role
        links.append(("c1", "u1", link))
    return record(rid, when, people, kind="missing_episode", links=links)


def test_e_episodes_just_below_and_at_the_threshold() -> None:
    least = setting("missing_with_association", "min_missing")
    below = build(missing("m0", 0, adult=True), *(missing(f"m{i}", i) for i in range(1, least - 1)))
    at = build(missing("m0", 0, adult=True), *(missing(f"m{i}", i) for i in range(1, least)))
    assert subjects(below, "missing_with_association") == set()
    (f,) = fired(at, "missing_with_association")
    assert f.subject_ids == ("c1",) and f.triggered_at == day(least - 1)


def test_e_partial_data_family_links_and_reporters_are_no_association() -> None:
    least = setting("missing_with_association", "min_missing")
    family = build(missing("m0", 0, link="family"), *(missing(f"m{i}", i) for i in range(1, least)))
    assert subjects(family, "missing_with_association") == set()
    friend = build(missing("m0", 0, link="friend"), *(missing(f"m{i}", i) for i in range(1, least)))
    assert subjects(friend, "missing_with_association") == {("c1",)}
    # A child whose age is unknown is not known to be a child: no finding.
    unknown = build(
        *(
            record(
                f"m{i}",
                i,
                [("c9", "subject", None), ("a1", "associate", 30)],
                kind="missing_episode",
            )
            for i in range(least)
        )
    )
    assert subjects(unknown, "missing_with_association") == set()


# (f) victim_and_offender: child age, separate records ---------------------------------------


def test_f_offender_age_just_below_and_at_adulthood() -> None:
    age = CONFIG.concern.child_age
    victim = record("r1", 1, [("c1", "victim", 14)], kind="crime", offence="22B")
    young = record("r2", 5, [("c1", "suspect", age - 0.01)], kind="crime")
    grown = record("r2", 5, [("c1", "suspect", age)], kind="crime")
    assert subjects(build(victim, young), "victim_and_offender") == {("c1",)}
    assert subjects(build(victim, grown), "victim_and_offender") == set()


def test_f_partial_data_same_record_and_non_concern_victim() -> None:
    both_in_one = record(
        "r1", 1, [("c1", "victim", 14)], kind="crime", offence="22B"
    )  # the same record cannot make them both
    same = (
        both_in_one[0],
        both_in_one[1] + [Mention("r1", "p9", "c1", "person", "suspect", 14)],
        [],
    )
    assert subjects(build(same), "victim_and_offender") == set()
    # A victim of shoplifting (no concern) later a suspect: not this rule's pattern.
    shop = record("r1", 1, [("c1", "victim", 14)], kind="crime", offence="46")
    later = record("r2", 5, [("c1", "suspect", 14)], kind="crime")
    assert subjects(build(shop, later), "victim_and_offender") == set()
    # No age at all on the suspect record: not known to be a child.
    unaged = record("r2", 5, [("c1", "suspect", None)], kind="crime")
    victim = record("r1", 1, [("c1", "victim", 14)], kind="crime", offence="22B")
    assert subjects(build(victim, unaged), "victim_and_offender") == set()


# (g) repeated_no_further_action: min_decisions, min_rationale_chars ------------------------


def test_g_decisions_just_below_and_at_the_threshold() -> None:
    least = setting("repeated_no_further_action", "min_decisions")
    reason = "The child declined to speak to officers."
    parts = [concern(f"r{i}", i * 10, "a1", "c1") for i in range(least)]
    below = build(
        *parts,
        actions=[
            action(f"n{i}", i * 10 + 5, "no_further_action", (f"r{i}",), reason)
            for i in range(least - 1)
        ],
    )
    at = build(
        *parts,
        actions=[
            action(f"n{i}", i * 10 + 5, "no_further_action", (f"r{i}",), reason)
            for i in range(least)
        ],
    )
    assert subjects(below, "repeated_no_further_action") == set()
    assert subjects(at, "repeated_no_further_action") == {("a1",), ("c1",)}


def test_g_rationale_just_below_and_at_the_shortest() -> None:
    shortest = setting("repeated_no_further_action", "min_rationale_chars")

    def one(rationale: str | None) -> Any:
        return build(
            concern("r1", 1, "a1", "c1"),
            actions=[action("n1", 5, "no_further_action", ("r1",), rationale)],
        )

    assert subjects(one("x" * (shortest - 1)), "repeated_no_further_action") == {("a1",), ("c1",)}
    assert subjects(one("x" * shortest), "repeated_no_further_action") == set()
    assert subjects(one(None), "repeated_no_further_action") == {("a1",), ("c1",)}  # missing
    padded = "  " + "x" * (shortest - 1) + "   "  # spaces are not a rationale
    assert subjects(one(padded), "repeated_no_further_action") == {("a1",), ("c1",)}


def test_g_partial_data_decision_on_a_non_concern_record_is_ignored() -> None:
    plain = record("r1", 1, [("a1", "suspect", 30)], kind="crime", offence="46")
    data = build(plain, actions=[action("n1", 5, "no_further_action", ("r1",), None)])
    assert subjects(data, "repeated_no_further_action") == set()


# (h) exploitation_community: min_adults, min_children, min_concern_records -----------------


def test_h_each_threshold_just_below_and_at() -> None:
    adults = setting("exploitation_community", "min_adults")
    children = setting("exploitation_community", "min_children")
    records = setting("exploitation_community", "min_concern_records")

    def web(n_adults: int, n_children: int) -> Any:
        """Every adult with every child, one record each, at least `records` records."""
        pairs = [(f"a{a}", f"c{c}") for a in range(n_adults) for c in range(n_children)]
        while len(pairs) < records:
            pairs.append(pairs[0])
        return build(*(concern(f"r{i}", i, a, c) for i, (a, c) in enumerate(pairs)))

    def gathering(n_records: int) -> Any:
        """All the adults and children together in each of `n_records` records."""
        people = [(f"c{c}", "subject", 14.0) for c in range(children)]
        people += [(f"a{a}", "associate", 30.0) for a in range(adults)]
        return build(*(record(f"r{i}", i, people) for i in range(n_records)))  # type: ignore[arg-type]

    assert subjects(web(adults, children), "exploitation_community") == {("a0",)}
    assert subjects(web(adults - 1, children + 1), "exploitation_community") == set()
    assert subjects(web(adults + 1, children - 1), "exploitation_community") == set()
    assert subjects(gathering(records), "exploitation_community") == {("a0",)}
    assert subjects(gathering(records - 1), "exploitation_community") == set()


def test_h_partial_data_an_adult_of_unknown_age_still_counts_as_adult() -> None:
    data = build(
        concern("r1", 1, "a1", "c1"),
        record("r2", 2, [("c2", "subject", 14), ("a2", "associate", None)]),
        concern("r3", 3, "a1", "c2"),
        record("r4", 4, [("c1", "subject", 14), ("a2", "associate", None)]),
    )
    assert subjects(data, "exploitation_community") == {("a1",)}
