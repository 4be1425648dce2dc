"""Replay: linkage and detection as of each step, from only what was recorded by then.

The data is read once, with its dates; each step takes the prefix of records,
mentions, links and actions dated on or before it (records by `recorded_at`,
actions by `taken_at`). An alert keeps its identity (its key: rule and
subjects) across steps, and its `raised_at` is the first step it fired at.

Linking every step in full is too slow at scale, so a step links
incrementally: the new mentions are resolved together with the known
mentions that share a crude key with them (a first and last name, a plate, a phone
number, a postcode), and only the new mentions take their entity from that;
every `relink_every` steps, and at the last step, everything known is
re-linked in full, with entity ids carried over where membership persists.
"""

from __future__ import annotations

import bisect
import calendar
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock

import pyarrow as pa
import pyarrow.compute as pc

from vigil.core.detect.inputs import Action, DetectInput, Link, Mention, MentionKey, Record
from vigil.core.detect.run import Alert

# (mentions, links, previous assignment) -> entity id for each mention given.
LinkFn = Callable[[pa.Table, pa.Table, Mapping[MentionKey, str]], dict[MentionKey, str]]
# (what is known, the step) -> alerts.
DetectFn = Callable[[DetectInput, datetime], list[Alert]]

EVERY = ("month", "week")
# Columns the incremental link compares on; never ethnicity, nationality or religion.
_KEY_COLUMNS = ("name", "aliases", "vrm", "phone", "email", "postcode", "number")


def _day_end(day: date) -> datetime:
    return datetime.combine(day, clock.max, tzinfo=UTC)


def replay_steps(start: date, end: date, every: str) -> list[datetime]:
    """The moments replay stands at: the last instant of each period, the last one cut at `end`.

    Months are calendar months (the first may start part-way through);
    weeks are seven days from `start`. Each step is the end of a day, UTC.

    Raises:
        ValueError: For an unknown period, or an end before the start.
    """
    if every not in EVERY:
        raise ValueError(f"every must be one of {', '.join(EVERY)}, not {every!r}")
    if end < start:
        raise ValueError(f"the end {end} is before the start {start}")
    days: list[date] = []
    if every == "month":
        year, month = start.year, start.month
        while True:
            last = date(year, month, calendar.monthrange(year, month)[1])
            days.append(min(last, end))
            if last >= end:
                break
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    else:
        day = start + timedelta(days=6)
        while day < end:
            days.append(day)
            day += timedelta(days=7)
        days.append(end)
    return [_day_end(d) for d in days]


@dataclass(frozen=True, slots=True)
class ReplayData:
    """Everything held, with its dates, read once.

    Attributes:
        mentions: A snapshot's mentions table (with `recorded_at`).
        links: A snapshot's links table.
        records: Every record (unlinked: mentions carry no entity yet).
        actions: Every action.
    """

    mentions: pa.Table
    links: pa.Table
    records: tuple[Record, ...]
    actions: tuple[Action, ...]


@dataclass(frozen=True, slots=True)
class StepStats:
    """What one step saw and cost."""

    at: datetime
    records: int
    alerts: int
    new_alerts: int
    full_link: bool
    link_seconds: float
    detect_seconds: float


@dataclass(slots=True)
class ReplayResult:
    """What a replay found.

    Attributes:
        alerts: The alerts firing at the last step.
        raised_at: Each alert key ever fired, with the first step it fired at.
        first: Each alert key as it stood when first raised.
        entity_of: The last step's entity for every mention.
        steps: Per-step counts and timings.
    """

    alerts: list[Alert] = field(default_factory=list)
    raised_at: dict[str, datetime] = field(default_factory=dict)
    first: dict[str, Alert] = field(default_factory=dict)
    entity_of: dict[MentionKey, str] = field(default_factory=dict)
    steps: list[StepStats] = field(default_factory=list)

    @property
    def withdrawn(self) -> list[str]:
        """Keys that fired at some step but not at the last one."""
        last = {a.finding.key for a in self.alerts}
        return sorted(k for k in self.raised_at if k not in last)


def _sorted_by(table: pa.Table, column: str) -> pa.Table:
    return table.take(pc.sort_indices(table, sort_keys=[(column, "ascending")]))


def _crude_keys(row: Mapping[str, object]) -> set[str]:
    """Loose keys a mention shares with any mention that might be the same entity."""
    keys: set[str] = set()
    names = [row.get("name"), *(row.get("aliases") or ())]  # type: ignore[misc]
    for name in names:
        words = re.findall(r"[a-z]+", str(name or "").lower())
        if len(words) > 1:
            keys.add(f"name:{words[0]}:{words[-1]}")
        elif words:
            keys.add("name:" + words[0])
    for column in ("vrm", "postcode", "email", "number"):
        value = re.sub(r"\s+", "", str(row.get(column) or "")).lower()
        if value:
            keys.add(f"{column}:{value}")
    phone = re.sub(r"\D", "", str(row.get("phone") or ""))
    if phone:
        keys.add("phone:" + phone[-9:])
    return keys


class _Linker:
    """Entity assignments as the replay moves forward."""

    def __init__(self, mentions: pa.Table, link: LinkFn, previous: Mapping[MentionKey, str]):
        self.link = link
        self.assigned: dict[MentionKey, str] = {}
        self.previous = dict(previous)
        self.keys = list(
            zip(
                mentions.column("record_id").to_pylist(),
                mentions.column("ref").to_pylist(),
                strict=True,
            )
        )
        columns = {c: mentions.column(c).to_pylist() for c in _KEY_COLUMNS}
        self.crude = [
            _crude_keys({c: columns[c][i] for c in _KEY_COLUMNS}) for i in range(len(self.keys))
        ]
        self.rows_by_key: dict[str, list[int]] = {}
        self.done = 0  # mentions rows [0, done) are assigned

    def full(self, mentions: pa.Table, links: pa.Table, upto: int) -> None:
        found = self.link(mentions.slice(0, upto), links, {**self.previous, **self.assigned})
        self.assigned = {key: found[key] for key in self.keys[:upto]}
        self._index(upto)

    def incremental(self, mentions: pa.Table, links: pa.Table, upto: int) -> None:
        if upto == self.done:
            return
        new = range(self.done, upto)
        near: set[int] = set()
        for row in new:
            for key in self.crude[row]:
                near.update(self.rows_by_key.get(key, ()))
        rows = sorted(near) + list(new)
        records = {self.keys[r][0] for r in rows}
        found = self.link(
            mentions.take(pa.array(rows, pa.int64())),
            links.filter(pc.is_in(links.column("record_id"), pa.array(sorted(records)))),
            {**self.previous, **self.assigned},
        )
        for row in new:
            self.assigned[self.keys[row]] = found[self.keys[row]]
        self._index(upto)

    def _index(self, upto: int) -> None:
        for row in range(self.done, upto):
            for key in self.crude[row]:
                self.rows_by_key.setdefault(key, []).append(row)
        self.done = upto


def replay(
    data: ReplayData,
    steps: Sequence[datetime],
    *,
    link: LinkFn,
    detect: DetectFn,
    previous: Mapping[MentionKey, str] | None = None,
    relink_every: int = 12,
) -> ReplayResult:
    """Links and detects as of each step, from only what was dated on or before it.

    Args:
        data: Everything held, read once.
        steps: The moments to stand at, in order.
        link: Resolves mentions to entities (keeping `previous` ids where it can).
        detect: Runs detection on what is known at a step.
        previous: Entity ids from before the replay, kept where membership persists.
        relink_every: Link everything known in full every this many steps
            (and at the last step); in between, only the new mentions are linked.
            1 links in full at every step.

    Returns:
        The last step's alerts, and when each alert key was first raised.
    """
    if list(steps) != sorted(steps):
        raise ValueError("steps must be in order")
    mentions = _sorted_by(data.mentions, "recorded_at")
    records = sorted(data.records, key=lambda r: (r.recorded_at, r.record_id))
    record_times = [r.recorded_at for r in records]
    mention_times = mentions.column("recorded_at").to_pylist()
    recorded_at = {r.record_id: r.recorded_at for r in records}
    far = datetime.max.replace(tzinfo=UTC)
    links_rows = data.links.to_pylist()
    links_rows.sort(key=lambda row: recorded_at.get(row["record_id"], far))
    link_times = [recorded_at.get(row["record_id"], far) for row in links_rows]
    links_table = _sorted_links(data.links, recorded_at, far)
    actions = sorted(data.actions, key=lambda a: (a.taken_at, a.action_id))
    action_times = [a.taken_at for a in actions]
    base = list(
        zip(
            *(
                mentions.column(c).to_pylist()
                for c in ("record_id", "ref", "type", "role", "age", "dob")
            ),
            strict=True,
        )
    )
    detect_links = [
        Link(row["record_id"], row["from_ref"], row["to_ref"], row["type"]) for row in links_rows
    ]

    linker = _Linker(mentions, link, previous or {})
    result = ReplayResult()
    since_full = 0
    for index, at in enumerate(steps):
        n_records = bisect.bisect_right(record_times, at)
        n_mentions = bisect.bisect_right(mention_times, at)
        n_links = bisect.bisect_right(link_times, at)
        known_links = links_table.slice(0, n_links)
        started = time.monotonic()
        since_full += 1
        full = index == len(steps) - 1 or since_full >= relink_every
        if full and n_mentions:
            linker.full(mentions, known_links, n_mentions)
            since_full = 0
        else:
            full = False
            linker.incremental(mentions, known_links, n_mentions)
        linked = time.monotonic()
        entity_of = linker.assigned
        known = DetectInput(
            records=tuple(records[:n_records]),
            mentions=tuple(
                Mention(r, ref, entity_of[(r, ref)], kind, role, age, dob)
                for r, ref, kind, role, age, dob in base[:n_mentions]
            ),
            links=tuple(detect_links[:n_links]),
            actions=tuple(actions[: bisect.bisect_right(action_times, at)]),
        )
        alerts = detect(known, at)
        new = 0
        for alert in alerts:
            key = alert.finding.key
            if key not in result.raised_at:
                result.raised_at[key] = at
                result.first[key] = alert
                new += 1
        result.alerts = alerts
        result.steps.append(
            StepStats(
                at=at,
                records=n_records,
                alerts=len(alerts),
                new_alerts=new,
                full_link=full,
                link_seconds=linked - started,
                detect_seconds=time.monotonic() - linked,
            )
        )
    result.entity_of = dict(linker.assigned)
    return result


def _sorted_links(links: pa.Table, recorded_at: Mapping[str, datetime], far: datetime) -> pa.Table:
    ids = links.column("record_id").to_pylist()
    order = sorted(range(len(ids)), key=lambda i: recorded_at.get(ids[i], far))
    return links.take(pa.array(order, pa.int64()))
