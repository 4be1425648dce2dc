"""Detection carried from step to step gives exactly what detection from scratch gives."""

from __future__ import annotations

import bisect
from collections.abc import Mapping
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pyarrow as pa
import pytest

from vigil.core.detect import Alert, DetectInput, detect, read_bundle_inputs
from vigil.core.detect.evidence import Evidence, build_evidence
from vigil.core.detect.graph import build_graph
from vigil.core.detect.inputs import MentionKey
from vigil.core.detect.replay import ReplayData, replay, replay_steps
from vigil.core.detect.run import Detector
from vigil.core.scenario import generate
from vigil.core.scenario.truth import read_truth

from .helpers import action, build, concern, day, record


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> tuple[DetectInput, dict[MentionKey, str]]:
    """A small town with its true entities (linkage is not what is tested here)."""
    folder: Path = tmp_path_factory.mktemp("incremental-town")
    generate(folder, seed=3, scale=0.5)
    truth = read_truth(folder / "truth.json")
    entity_of = {(m["record_id"], m["ref"]): m["entity_id"] for m in truth["mentions"]}
    return read_bundle_inputs(folder / "bundle", entity_of), entity_of


def prefixes(data: DetectInput, steps: list[datetime]) -> list[DetectInput]:
    """What was known at each step, each the one before with more at the end (as replay gives)."""
    records = sorted(data.records, key=lambda r: (r.recorded_at, r.record_id))
    when = {r.record_id: r.recorded_at for r in records}
    mentions = sorted(data.mentions, key=lambda m: when[m.record_id])
    links = sorted(data.links, key=lambda link: when[link.record_id])
    actions = sorted(data.actions, key=lambda a: (a.taken_at, a.action_id))
    out = []
    for at in steps:
        out.append(
            DetectInput(
                records=tuple(records[: bisect.bisect_right([r.recorded_at for r in records], at)]),
                mentions=tuple(m for m in mentions if when[m.record_id] <= at),
                links=tuple(link for link in links if when[link.record_id] <= at),
                actions=tuple(actions[: bisect.bisect_right([a.taken_at for a in actions], at)]),
            )
        )
    return out


def indexes(evidence: Evidence | None) -> tuple[object, ...]:
    """Everything evidence holds that rules read."""
    assert evidence is not None
    return (
        evidence.as_of,
        evidence.records,
        dict(evidence.mentions),
        dict(evidence.links),
        evidence.actions,
        evidence.ages,
        evidence.concerns,
        evidence.concern_set,
        evidence.actions_on_record,
        evidence.actions_on_entity,
        evidence.entity_type,
        evidence.entity_of,
    )


def test_a_town_detected_step_by_step_equals_detection_from_scratch_at_every_step(
    town: tuple[DetectInput, dict[MentionKey, str]],
) -> None:
    data, _ = town
    # Quarterly over the town's years: 68 steps, each adding records, links and actions.
    steps = replay_steps(date(2000, 1, 1), date(2016, 12, 31), "month")[2::3]
    detector = Detector()
    fired = 0
    for known, at in zip(prefixes(data, steps), steps, strict=True):
        carried = detector(known, at)
        assert carried == detect(known, as_of=at), at
        assert indexes(detector.evidence) == indexes(build_evidence(known, detector.config, at))
        fired += bool(carried)
    assert detector.rebuilt == 1  # only the first step indexed everything
    assert fired > len(steps) // 2  # the comparison was over steps that raise alerts


def test_entities_moved_between_steps_are_indexed_again(
    town: tuple[DetectInput, dict[MentionKey, str]],
) -> None:
    data, entity_of = town
    steps = replay_steps(date(2000, 1, 1), date(2016, 12, 31), "month")[11::12]
    known = prefixes(data, steps)
    detector = Detector()
    for at, step in zip(steps[:8], known[:8], strict=True):
        detector(step, at)
    # A full link splits every person named in a concern record so far, as a
    # linkage correction would: the next step's input did not only grow.
    concerns = build_evidence(known[7], detector.config, steps[7]).concern_set
    moved = {
        key: f"{entity}-split-{key[0]}"
        for key, entity in entity_of.items()
        if key[0] in concerns and entity.startswith("person")
    }
    for at, step in zip(steps[8:], known[8:], strict=True):
        step = replace(
            step,
            mentions=tuple(
                replace(m, entity_id=moved.get((m.record_id, m.ref), m.entity_id))
                for m in step.mentions
            ),
        )
        assert detector(step, at) == detect(step, as_of=at), at
    assert detector.rebuilt == 2  # the step after the split, then carried again


def test_late_subjects_orphans_and_out_of_order_input_fall_back_to_a_full_index() -> None:
    first = build(
        concern("r1", 0, "adult-a", "child-a"),
        concern("r2", 10, "adult-a", "child-b"),
        actions=[
            # No further action about a subject whose record is not yet held.
            replace(action("x1", 20, "no_further_action", ()), subjects=(("r3", "p1"),)),
        ],
    )
    later = build(
        concern("r1", 0, "adult-a", "child-a"),
        concern("r2", 10, "adult-a", "child-b"),
        concern("r3", 15, "adult-a", "child-c"),
        actions=first.actions,
    )
    detector = Detector()
    assert detector(first, day(30)) == detect(first, as_of=day(30))
    assert detector(later, day(40)) == detect(later, as_of=day(40))
    assert detector.rebuilt == 2  # the late subject moved an earlier action
    # A mention whose record comes later: detection from scratch ignores it until then.
    orphan = record("r9", 50, [("adult-a", "associate", 30), ("child-d", "subject", 12)])
    with_orphan = replace(later, mentions=later.mentions + tuple(orphan[1]))
    assert detector(with_orphan, day(60)) == detect(with_orphan, as_of=day(60))
    complete = replace(with_orphan, records=(*with_orphan.records, orphan[0]))
    assert detector(complete, day(70)) == detect(complete, as_of=day(70))
    # Records given out of time order, then an earlier one: sorted as from scratch.
    shuffled = build(
        concern("r5", 90, "adult-b", "child-e"),
        concern("r4", 80, "adult-b", "child-f"),
        record("r6", 85, [("adult-b", "suspect", 40)], offence="019/12"),
    )
    shuffled = replace(shuffled, actions=(action("y2", 95, "strategy_meeting", ("r5",)),))
    grown = replace(
        shuffled,
        records=(*shuffled.records, *concern("r3b", 5, "adult-b", "child-g")[:1]),
        mentions=shuffled.mentions + tuple(concern("r3b", 5, "adult-b", "child-g")[1]),
        actions=(*shuffled.actions, action("y1", 94, "investigation", ("r4",))),
    )
    detector = Detector()
    for step, at in ((shuffled, day(100)), (grown, day(110))):
        found = detector(step, at)
        assert found == detect(step, as_of=at)
    assert detector.rebuilt == 1
    assert detector.evidence is not None
    assert detector.evidence.concerns == build_evidence(grown, detector.config, day(110)).concerns


def test_the_carried_graph_equals_the_graph_built_from_scratch(
    town: tuple[DetectInput, dict[MentionKey, str]],
) -> None:
    data, _ = town
    steps = replay_steps(date(2000, 1, 1), date(2016, 12, 31), "month")[5::6]
    detector = Detector()
    for known, at in zip(prefixes(data, steps), steps, strict=True):
        detector(known, at)
    assert detector.evidence is not None
    whole = build_graph(detector.evidence)
    carried = detector.graph
    assert carried.edges.keys() == whole.edges.keys()
    for pair, edge in whole.edges.items():
        mine = carried.edges[pair]
        assert (mine.weight, mine.concern_records, mine.link_records) == (
            edge.weight,
            edge.concern_records,
            edge.link_records,
        )
        assert sorted(mine.dates) == sorted(edge.dates)
    assert carried.communities(whole_below=5) == whole.communities(whole_below=5)


class Truth:
    """Links every mention to its true entity, in full and in updates alike."""

    def __init__(self, entity_of: Mapping[MentionKey, str]) -> None:
        self.entity_of = entity_of

    def __call__(
        self, mentions: pa.Table, links: pa.Table, previous: Mapping[MentionKey, str]
    ) -> dict[MentionKey, str]:
        keys = zip(
            mentions.column("record_id").to_pylist(),
            mentions.column("ref").to_pylist(),
            strict=True,
        )
        return {key: self.entity_of[key] for key in keys}


@pytest.mark.slow
def test_a_replay_with_the_carried_detector_equals_one_detecting_from_scratch(
    tmp_path: Path,
) -> None:
    generate(tmp_path, seed=3, scale=0.3)
    from vigil.core.linkage import read_bundle

    mentions, links = read_bundle(tmp_path / "bundle")
    unlinked = read_bundle_inputs(tmp_path / "bundle", {})
    data = ReplayData(mentions, links, unlinked.records, unlinked.actions)
    truth = {
        (m["record_id"], m["ref"]): m["entity_id"]
        for m in read_truth(tmp_path / "truth.json")["mentions"]
    }
    steps = replay_steps(date(2000, 1, 1), date(2016, 12, 31), "month")[::2]

    def from_scratch(known: DetectInput, at: datetime) -> list[Alert]:
        return detect(known, as_of=at)

    carried = replay(data, steps, link=Truth(truth), relink_every=10)
    scratch = replay(data, steps, link=Truth(truth), relink_every=10, detect=from_scratch)
    assert [s.fired for s in carried.steps] == [s.fired for s in scratch.steps]
    assert carried.alerts == scratch.alerts and carried.raised_at == scratch.raised_at
    assert carried.alerts
