"""Entity lineage: retired ids and their successors; replay counts a re-keyed alert once."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

import pyarrow as pa

from vigil.core.detect import Alert, DetectInput, detect
from vigil.core.detect.inputs import MentionKey
from vigil.core.detect.lineage import Lineage, successors
from vigil.core.detect.replay import ReplayResult, replay, replay_steps

from .helpers import build, concern
from .test_replay import as_replay


def test_a_merge_retires_the_smaller_id_to_the_larger() -> None:
    before = {("r1", "p"): "a", ("r2", "p"): "a", ("r3", "p"): "b"}
    after = {("r1", "p"): "a", ("r2", "p"): "a", ("r3", "p"): "a"}
    assert successors(before, after) == {"b": ("a", 1)}


def test_a_split_keeping_the_id_retires_nothing() -> None:
    before = {("r1", "p"): "a", ("r2", "p"): "a", ("r3", "p"): "a"}
    after = {("r1", "p"): "a", ("r2", "p"): "a", ("r3", "p"): "c"}
    assert successors(before, after) == {}


def test_a_split_leaving_the_id_to_neither_part_goes_to_the_larger_part() -> None:
    before = {("r1", "p"): "a", ("r2", "p"): "a", ("r3", "p"): "a"}
    after = {("r1", "p"): "c", ("r2", "p"): "c", ("r3", "p"): "d"}
    assert successors(before, after) == {"a": ("c", 2)}
    # Just even: the smaller id, whatever the order the mentions come in.
    tied = {("r1", "p"): "d", ("r2", "p"): "c"}
    even = {("r1", "p"): "a", ("r2", "p"): "a"}
    assert successors(even, tied) == {"a": ("c", 1)}
    assert successors(dict(reversed(even.items())), dict(reversed(tied.items()))) == {"a": ("c", 1)}


def test_an_id_whose_mentions_are_no_longer_held_has_no_successor() -> None:
    assert successors({("r1", "p"): "a"}, {("r2", "p"): "b"}) == {}


def test_lineage_follows_a_chain_to_a_current_id_and_stops_at_one() -> None:
    lineage = Lineage({"a": "b", "b": "c"}, current={"c", "x"})
    assert lineage.resolve("a") == "c" and lineage.resolve("b") == "c"
    assert lineage.resolve("x") == "x" and lineage.resolve("unknown") == "unknown"
    # An id derived again after it was retired is current: not followed.
    assert Lineage({"a": "b"}, current={"a", "b"}).resolve("a") == "a"
    # A cycle ends where it closes.
    assert Lineage({"a": "b", "b": "a"}, current=set()).resolve("a") in {"a", "b"}


def test_lineage_keys_merge_two_subjects_into_one() -> None:
    lineage = Lineage({"b": "a"}, current={"a"})
    assert lineage.key("rule", ("b", "a")) == "rule:a"
    assert lineage.key("rule", ("c", "b")) == "rule:a+c"
    lineage.extend({"a": "z"}, current={"z", "c"})
    assert lineage.key("rule", ("b",)) == "rule:z"


TWO_CHILDREN = build(
    concern("r1", 10, "adult-a", "child-1"),
    concern("r2", 40, "adult-a", "child-2"),
    concern("r3", 70, "adult-a", "child-3"),
)
RULE = "adult_linked_to_children"
MONTHS = replay_steps(date(2010, 1, 1), date(2010, 4, 30), "month")


def renaming_replay(rename_at: int, to: Mapping[str, str]) -> ReplayResult:
    """A replay whose full links rename entities (`to`) from step `rename_at` on."""
    tables, truth = as_replay(TWO_CHILDREN)
    calls: list[int] = []

    def link(
        mentions: pa.Table, links: pa.Table, previous: Mapping[MentionKey, str]
    ) -> dict[MentionKey, str]:
        calls.append(1)
        keys = zip(
            mentions.column("record_id").to_pylist(),
            mentions.column("ref").to_pylist(),
            strict=True,
        )
        named = len(calls) > rename_at
        return {k: to.get(truth[k], truth[k]) if named else truth[k] for k in keys}

    def detect_at(known: DetectInput, at: datetime) -> list[Alert]:
        return detect(known, as_of=at, rules=("adult_linked_to_children",))

    return replay(tables, MONTHS, link=link, detect=detect_at, relink_every=1)


def test_replay_counts_an_alert_whose_subject_a_relink_renamed_once() -> None:
    result = renaming_replay(2, {"adult-a": "adult-z"})
    # Raised at the end of February on adult-a; renamed adult-z in March.
    assert list(result.raised_at) == ["adult_linked_to_children:adult-z"]
    assert result.raised_at["adult_linked_to_children:adult-z"] == MONTHS[1]
    assert result.rekeyed == {
        "adult_linked_to_children:adult-a": "adult_linked_to_children:adult-z"
    }
    assert result.withdrawn == []
    assert [s.new_alerts for s in result.steps] == [0, 1, 0, 0]
    first = result.first["adult_linked_to_children:adult-z"].finding
    assert first.subject_ids == ("adult-a",)  # as users were first shown it


def test_replay_without_a_rename_rekeys_nothing() -> None:
    result = renaming_replay(99, {"adult-a": "adult-z"})
    assert list(result.raised_at) == ["adult_linked_to_children:adult-a"]
    assert result.rekeyed == {}


def test_rekey_keeps_the_earlier_of_two_keys_a_merge_makes_one() -> None:
    result = renaming_replay(99, {})
    [(key, at)] = result.raised_at.items()
    alert = result.first[key]
    # A second, later key on another subject that a merge folds into adult-a.
    result.raised_at["adult_linked_to_children:adult-b"] = MONTHS[3]
    result.first["adult_linked_to_children:adult-b"] = Alert(
        finding=type(alert.finding)(
            rule=alert.finding.rule,
            subject_ids=("adult-b",),
            entity_ids=alert.finding.entity_ids,
            mentions=alert.finding.mentions,
            record_ids=alert.finding.record_ids,
            triggered_at=alert.finding.triggered_at,
            explanation=alert.finding.explanation,
        ),
        priority=alert.priority,
    )
    result.subject_mentions["adult_linked_to_children:adult-b"] = ()
    assert result.rekey(Lineage({"adult-b": "adult-a"}, current={"adult-a"})) == 1
    assert result.raised_at == {key: at}
    assert result.first[key] is alert
    assert result.rekeyed == {"adult_linked_to_children:adult-b": key}
