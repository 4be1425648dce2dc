"""Replay: the steps, raised_at as the first step the evidence existed, identity across steps."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from vigil.core.detect import Alert, DetectInput, Record, detect, read_bundle_inputs
from vigil.core.detect.inputs import MentionKey
from vigil.core.detect.replay import (
    _IDENTIFIER_NEIGHBOURS as IDENTIFIER_NEIGHBOURS,
)
from vigil.core.detect.replay import (
    ReplayData,
    ReplayResult,
    ResolverLinking,
    replay,
    replay_steps,
)
from vigil.core.linkage import LINKS_SCHEMA, MENTIONS_SCHEMA, read_bundle
from vigil.core.scenario import generate

from .helpers import build, concern, day, record


def end_of(d: date) -> datetime:
    return datetime.combine(d, time.max, tzinfo=UTC)


def test_monthly_steps_are_month_ends_with_partial_first_and_last_months() -> None:
    steps = replay_steps(date(2000, 1, 15), date(2000, 4, 10), "month")
    assert steps == [
        end_of(date(2000, 1, 31)),
        end_of(date(2000, 2, 29)),  # a leap year
        end_of(date(2000, 3, 31)),
        end_of(date(2000, 4, 10)),  # cut at the end
    ]


def test_monthly_steps_over_the_scenario_years_are_204() -> None:
    steps = replay_steps(date(2000, 1, 1), date(2016, 12, 31), "month")
    assert len(steps) == 204
    assert steps[0] == end_of(date(2000, 1, 31)) and steps[-1] == end_of(date(2016, 12, 31))
    assert end_of(date(2001, 2, 28)) in steps and end_of(date(2001, 12, 31)) in steps


def test_weekly_steps_and_a_single_day() -> None:
    assert replay_steps(date(2010, 1, 1), date(2010, 1, 20), "week") == [
        end_of(date(2010, 1, 7)),
        end_of(date(2010, 1, 14)),
        end_of(date(2010, 1, 20)),
    ]
    assert replay_steps(date(2010, 1, 1), date(2010, 1, 1), "month") == [end_of(date(2010, 1, 1))]


@pytest.mark.parametrize(
    ("start", "end", "every"),
    [(date(2010, 2, 1), date(2010, 1, 1), "month"), (date(2010, 1, 1), date(2010, 2, 1), "day")],
)
def test_bad_steps_are_refused(start: date, end: date, every: str) -> None:
    with pytest.raises(ValueError):
        replay_steps(start, end, every)


def as_replay(data: DetectInput) -> tuple[ReplayData, dict[MentionKey, str]]:
    """The replay's view of hand-made input: unlinked tables plus the true entities."""
    when = {r.record_id: r.recorded_at for r in data.records}
    mentions = pa.Table.from_pylist(
        [
            {
                "record_id": m.record_id,
                "ref": m.ref,
                "type": m.type,
                "role": m.role,
                "age": m.age,
                "dob": m.dob,
                "name": m.entity_id,
                "recorded_at": when[m.record_id],
            }
            for m in data.mentions
        ],
        schema=MENTIONS_SCHEMA,
    )
    links = pa.Table.from_pylist(
        [
            {"record_id": k.record_id, "from_ref": k.from_ref, "to_ref": k.to_ref, "type": k.type}
            for k in data.links
        ],
        schema=LINKS_SCHEMA,
    )
    truth = {(m.record_id, m.ref): m.entity_id for m in data.mentions}
    return ReplayData(mentions, links, data.records, data.actions), truth


def run(data: DetectInput, steps: list[datetime], relink_every: int = 1) -> ReplayResult:
    tables, truth = as_replay(data)
    seen: list[datetime] = []

    def link(
        mentions: pa.Table, links: pa.Table, previous: Mapping[MentionKey, str]
    ) -> dict[MentionKey, str]:
        # Linking happens before detection at each step: the step is the next one detected.
        latest = pc.max(mentions.column("recorded_at")).as_py()
        assert latest is None or latest <= steps[len(seen)]
        keys = zip(
            mentions.column("record_id").to_pylist(),
            mentions.column("ref").to_pylist(),
            strict=True,
        )
        return {key: truth[key] for key in keys}

    def detect_at(known: DetectInput, at: datetime) -> list[Alert]:
        seen.append(at)
        assert all(r.recorded_at <= at for r in known.records)
        assert all(a.taken_at <= at for a in known.actions)
        return detect(known, as_of=at, rules=("adult_linked_to_children",))

    return replay(tables, steps, link=link, detect=detect_at, relink_every=relink_every)


# Day 0 is 2010-01-01: a second child with the same adult on 10 February.
TWO_CHILDREN = build(
    concern("r1", 10, "adult-a", "child-1"),
    concern("r2", 40, "adult-a", "child-2"),
    concern("r3", 70, "adult-a", "child-3"),
)
MONTHS = replay_steps(date(2010, 1, 1), date(2010, 4, 30), "month")


@pytest.mark.parametrize("relink_every", [1, 3])
def test_raised_at_is_the_first_step_the_evidence_existed(relink_every: int) -> None:
    result = run(TWO_CHILDREN, MONTHS, relink_every)
    [key] = result.raised_at
    assert result.raised_at[key] == end_of(date(2010, 2, 28))
    assert [s.alerts for s in result.steps] == [0, 1, 1, 1]
    assert day(40) <= result.raised_at[key]


def test_soonest_raised_is_the_trigger_within_the_step_that_raised_it() -> None:
    result = run(TWO_CHILDREN, MONTHS)
    [key] = result.raised_at
    # Raised at the end of February; its second child was recorded on 10 February.
    assert result.soonest_raised() == {key: day(40)}
    assert result.raised_at[key] > day(40)


def test_the_subject_mentions_of_each_alert_are_kept_as_first_raised() -> None:
    result = run(TWO_CHILDREN, MONTHS)
    [key] = result.raised_at
    # Raised in February on the first two records: the adult's mentions then, not March's.
    adult = {m.record_id: m.ref for m in TWO_CHILDREN.mentions if m.entity_id == "adult-a"}
    assert set(result.subject_mentions[key]) == {("r1", adult["r1"]), ("r2", adult["r2"])}


def test_soonest_raised_is_never_before_the_step_at_which_it_had_not_fired() -> None:
    result = run(TWO_CHILDREN, MONTHS)
    [key] = result.raised_at
    # Had linkage joined the adult only at the end of April, February's trigger
    # could not have been seen before the end of March, when it had not fired.
    result.raised_at[key] = MONTHS[3]
    assert result.soonest_raised() == {key: MONTHS[2]}
    # Nor after the step that raised it, even at the first step.
    result.raised_at[key] = MONTHS[0]
    assert result.soonest_raised() == {key: MONTHS[0]}
    assert ReplayResult().soonest_raised() == {}


def test_a_record_recorded_after_a_step_is_invisible_at_it() -> None:
    # The second concern recorded one microsecond after the end of February.
    late = build(
        concern("r1", 10, "adult-a", "child-1"),
        concern("r2", 59, "adult-a", "child-2"),
    )
    march = datetime(2010, 3, 1, tzinfo=UTC)  # just after the end of February
    moved = DetectInput(
        records=(late.records[0], Record("r2", "police", "intelligence", march)),
        mentions=late.mentions,
    )
    assert moved.records[1].recorded_at > MONTHS[1]
    result = run(moved, MONTHS)
    assert list(result.raised_at.values()) == [MONTHS[2]]


def test_an_alert_keeps_its_identity_as_evidence_grows() -> None:
    result = run(TWO_CHILDREN, MONTHS)
    [key] = result.raised_at
    first, last = result.first[key], result.alerts[0]
    assert last.finding.key == key and last.finding.alert_id == first.finding.alert_id
    assert first.finding.record_ids == ("r1", "r2")
    assert last.finding.record_ids == ("r1", "r2", "r3")
    assert result.withdrawn == []
    assert [s.new_alerts for s in result.steps] == [0, 1, 0, 0]


def test_entities_found_before_the_replay_keep_their_ids() -> None:
    tables, truth = as_replay(TWO_CHILDREN)
    given: list[Mapping[MentionKey, str]] = []

    def link(
        mentions: pa.Table, links: pa.Table, previous: Mapping[MentionKey, str]
    ) -> dict[MentionKey, str]:
        given.append(previous)
        keys = zip(
            mentions.column("record_id").to_pylist(),
            mentions.column("ref").to_pylist(),
            strict=True,
        )
        return {key: previous.get(key, truth[key]) for key in keys}

    result = replay(
        tables,
        MONTHS,
        link=link,
        detect=lambda known, at: detect(known, as_of=at),
        previous={("r1", "p1"): "person-kept"},
    )
    assert given[0][("r1", "p1")] == "person-kept"
    assert result.entity_of[("r1", "p1")] == "person-kept"


class Counting:
    """A `Linking` that records which kind of link each step asked for."""

    def __init__(self, truth: Mapping[MentionKey, str]) -> None:
        self.truth = truth
        self.calls: list[tuple[str, int, int]] = []  # (kind, mentions given, already linked)

    def _found(self, mentions: pa.Table) -> dict[MentionKey, str]:
        keys = zip(
            mentions.column("record_id").to_pylist(),
            mentions.column("ref").to_pylist(),
            strict=True,
        )
        return {key: self.truth[key] for key in keys}

    def full(
        self, mentions: pa.Table, links: pa.Table, previous: Mapping[MentionKey, str]
    ) -> dict[MentionKey, str]:
        self.calls.append(("full", mentions.num_rows, 0))
        return self._found(mentions)

    def update(
        self, mentions: pa.Table, links: pa.Table, assigned: Mapping[MentionKey, str]
    ) -> dict[MentionKey, str]:
        self.calls.append(("update", mentions.num_rows, len(assigned)))
        return self._found(mentions)


def test_an_update_links_new_mentions_with_the_known_ones_that_share_a_key() -> None:
    letters = "abcdefg"
    # Seven records, one a month; child-c returns in the last, with a new adult.
    data = build(
        *(concern(f"r{i}", 30 * i + 5, f"adult-{x}", f"child-{x}") for i, x in enumerate(letters)),
        concern("r7", 30 * 7 + 5, "adult-z", "child-c"),
    )
    tables, truth = as_replay(data)
    linking = Counting(truth)
    steps = replay_steps(date(2010, 1, 1), date(2010, 8, 31), "month")
    replay(tables, steps, link=linking, relink_every=100, relink_growth=100)
    # Updates month by month, each given its new record's two mentions alone;
    # the last step links in full.
    assert linking.calls[:7] == [("update", 2, 0)] * 7
    assert linking.calls[7] == ("full", 16, 0)
    linking.calls.clear()
    replay(tables, steps, link=linking, relink_every=100, relink_growth=100, end_in_full=False)
    # Unless told not to: the last update is given child-c's known record (both its
    # mentions, already linked) beside the new one.
    assert linking.calls[7] == ("update", 4, 2)


def test_an_update_brings_only_the_latest_few_mentions_of_an_identifiers_key() -> None:
    # A school named in twelve records, one a month, each with a different child
    # (names sharing no key); then a thirteenth record naming it.
    children = ["ann", "bob", "cal", "dee", "eve", "fay", "gus"]
    children += ["hal", "ivy", "jon", "kim", "lou", "mae"]
    data = build(
        *(
            record(
                f"r{i}",
                30 * i + 5,
                [(child, "subject", 14)],
                others=[("redcliffe school", "organisation", "place")],
            )
            for i, child in enumerate(children)
        )
    )
    tables, truth = as_replay(data)
    linking = Counting(truth)
    steps = replay_steps(date(2010, 1, 1), date(2011, 1, 31), "month")
    result = replay(tables, steps, link=linking, relink_every=100, relink_growth=100)
    # The last update: its new record's two mentions, and the school's latest known
    # mentions with their records (two mentions each), never more than a few.
    few = IDENTIFIER_NEIGHBOURS
    assert linking.calls[11] == ("update", 2 + 2 * few, 2 * few)
    assert linking.calls[4] == ("update", 2 + 2 * 4, 2 * 4)  # four known: all of them
    assert result.entity_of[("r12", "o0")] == "redcliffe school"


def test_growth_and_step_count_schedule_full_links() -> None:
    data = build(*(concern(f"r{i}", 30 * i + 5, f"adult-{i}", f"child-{i}") for i in range(8)))
    tables, truth = as_replay(data)
    steps = replay_steps(date(2010, 1, 1), date(2010, 8, 31), "month")

    def schedule(**kw: float) -> str:
        result = replay(tables, steps, link=Counting(truth), **kw)  # type: ignore[arg-type]
        return "".join("F" if s.full_link else "u" for s in result.steps)

    # Known mentions 2, 4, 6, 8, ...: in full at 2 (first), 4 (doubled), 8, 16 and the last.
    assert schedule(relink_every=100, relink_growth=2) == "FFuFuuuF"
    # Every third step, and the last.
    assert schedule(relink_every=3, relink_growth=100) == "uuFuuFuF"
    assert schedule(relink_every=1) == "FFFFFFFF"


def test_no_periodic_full_link_just_before_the_last_step() -> None:
    data = build(*(concern(f"r{i}", 30 * i + 5, f"adult-{i}", f"child-{i}") for i in range(12)))
    tables, truth = as_replay(data)
    steps = replay_steps(date(2010, 1, 1), date(2010, 12, 31), "month")

    def schedule(**kw: float) -> str:
        result = replay(tables, steps, link=Counting(truth), relink_growth=100, **kw)  # type: ignore[arg-type]
        return "".join("F" if s.full_link else "u" for s in result.steps)

    # Due at the 11th step, a quarter of 11 steps (2) from the last: left to the last.
    assert schedule(relink_every=11) == "uuuuuuuuuuuF"
    # Due at the 10th, two steps from the last: linked in full.
    assert schedule(relink_every=10) == "uuuuuuuuuFuF"
    # Without a full link at the end, the periodic one stands.
    assert schedule(relink_every=11, end_in_full=False) == "uuuuuuuuuuFu"


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> ReplayData:
    folder = tmp_path_factory.mktemp("replay-town")
    generate(folder, seed=7, scale=0.5)
    mentions, links = read_bundle(folder / "bundle")
    unlinked = read_bundle_inputs(folder / "bundle", {})
    return ReplayData(mentions, links, unlinked.records, unlinked.actions)


def known_by(data: ReplayData, at: datetime) -> ReplayData:
    """Only what was recorded (or done) by `at`."""
    records = tuple(r for r in data.records if r.recorded_at <= at)
    ids = pa.array([r.record_id for r in records], pa.string())
    return ReplayData(
        mentions=data.mentions.filter(pc.less_equal(data.mentions.column("recorded_at"), at)),
        links=data.links.filter(pc.is_in(data.links.column("record_id"), ids)),
        records=records,
        actions=tuple(a for a in data.actions if a.taken_at <= at),
    )


@pytest.mark.slow
def test_a_later_record_cannot_change_an_earlier_steps_alerts_with_the_resolver(
    town: ReplayData,
) -> None:
    # Year ends 2000-2013. Linked in full at the first and whenever the known
    # mentions have tripled, never at the end: every other step is an update
    # (by the kept model once a full link has trained one, where enough people are near).
    steps = replay_steps(date(2000, 1, 1), date(2013, 12, 31), "month")[11::12]
    cut = 12  # the end of 2012, when the town's network has its second concern
    schedule = {"relink_every": 100, "relink_growth": 3.0, "end_in_full": False}
    everything, linking = ResolverLinking(), ResolverLinking()
    whole = replay(town, steps, link=everything, **schedule)  # type: ignore[arg-type]
    part = replay(known_by(town, steps[cut]), steps, link=linking, **schedule)  # type: ignore[arg-type]
    assert everything.trained and linking.trained  # a person model was trained and kept
    assert whole.steps[cut].fired
    assert [s.fired for s in part.steps[: cut + 1]] == [s.fired for s in whole.steps[: cut + 1]]
    # The cut did leave records out: those recorded after it are seen, later, by the whole.
    assert whole.steps[-1].records > part.steps[-1].records == part.steps[cut].records
