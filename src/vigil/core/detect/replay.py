"""Replay: linkage and detection as of each step, from only what was recorded by then.

The data is read once, with its dates; each step takes the prefix of records,
mentions, links and actions dated on or before it (records by `recorded_at`,
actions by `taken_at`). An alert keeps its identity (its key: rule and
subjects) across steps, and its `raised_at` is the first step it fired at.
A full link that retires a subject's id (a merge, or a split that leaves the
old id to neither part) moves the alert to its successor's key
(`vigil.core.detect.lineage`), so it is counted once.

Linking every step in full is too slow at scale, so a step links
incrementally: the new mentions are resolved together with the known
mentions that share a blocking key with them (a name, its spelling or sound,
a date of birth, a plate, a phone number, a postcode), and only the new
mentions take their entity from that. A new vehicle, phone, address or
organisation is resolved by its key alone, so it is linked with only the latest
few known mentions under each of its keys: a school named in thousands of
records would otherwise bring them all, and their records, into every update.
Everything known is re-linked in full (with entity ids carried over where
membership persists) every `relink_every` steps (unless the last step is near),
whenever what is known has grown by `relink_growth` times since the last full
link, and at the last step.

With vigil's own resolver (`ResolverLinking`, the default), a full link
trains the person model (or, until the person mentions have doubled since it
was trained, scores everything with the kept one) and the steps up to the next
full link score new mentions with those parameters rather than training on a handful of mentions
(a neighbourhood of fewer people than the model needs is linked by the
resolver's strict rule, as a full link of so few would be).
Every key and subset is cut from what was recorded by the step, so a step's
linkage, and its alerts, cannot depend on a later record.
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
from typing import Any, Protocol

import pyarrow as pa
import pyarrow.compute as pc

from vigil.core.detect.inputs import Action, DetectInput, Link, Mention, MentionKey, Record
from vigil.core.detect.lineage import Lineage, successors
from vigil.core.detect.run import Alert, Detector
from vigil.core.linkage import features, resolve
from vigil.core.linkage.incremental import PersonModel, Previous
from vigil.core.linkage.persons import MIN_MENTIONS_FOR_MODEL, PersonModelOptions

# (mentions, links, previous assignment) -> entity id for each mention given.
LinkFn = Callable[[pa.Table, pa.Table, Mapping[MentionKey, str]], dict[MentionKey, str]]
# (what is known, the step) -> alerts.
DetectFn = Callable[[DetectInput, datetime], list[Alert]]

EVERY = ("month", "week")
# Columns the incremental link compares on; never ethnicity, nationality or religion.
_KEY_COLUMNS = ("name", "aliases", "vrm", "phone", "email", "postcode", "number")
# How many known mentions (the latest) under each key of a new vehicle, phone,
# address or organisation mention an update links it with.
_IDENTIFIER_NEIGHBOURS = 5
# Person feature columns that, together, put two mentions in one block (as the
# person model's blocking rules do): a new mention is linked with every known
# mention sharing one of these.
_PERSON_BLOCKS = (
    ("forename_key", "surname_key"),
    ("surname_spelling", "forename_initial"),
    ("forename_metaphone", "surname_metaphone"),
    ("dob",),
    ("phone",),
    ("staff", "forename_key"),
    ("staff", "surname_key"),
    ("forename_key", "postcode_unit"),
    ("forename_key", "address_key"),
    ("surname_key", "postcode_unit"),
    ("forename_key", "birth_year"),
)


class Linking(Protocol):
    """How replay links: everything known, or the new mentions with their neighbours."""

    def full(
        self, mentions: pa.Table, links: pa.Table, previous: Mapping[MentionKey, str]
    ) -> dict[MentionKey, str]:
        """Links everything known; `previous` ids are kept where membership persists."""
        ...

    def update(
        self, mentions: pa.Table, links: pa.Table, assigned: Mapping[MentionKey, str]
    ) -> dict[MentionKey, str]:
        """Links new mentions (those not in `assigned`) among known ones (those in it)."""
        ...


@dataclass(frozen=True, slots=True)
class _Plain:
    """A link function used for full links and updates alike."""

    link: LinkFn

    def full(
        self, mentions: pa.Table, links: pa.Table, previous: Mapping[MentionKey, str]
    ) -> dict[MentionKey, str]:
        return self.link(mentions, links, previous)

    def update(
        self, mentions: pa.Table, links: pa.Table, assigned: Mapping[MentionKey, str]
    ) -> dict[MentionKey, str]:
        return self.link(mentions, links, assigned)


def _assignment(memberships: pa.Table) -> dict[MentionKey, str]:
    return dict(
        zip(
            zip(
                memberships.column("record_id").to_pylist(),
                memberships.column("ref").to_pylist(),
                strict=True,
            ),
            memberships.column("entity_id").to_pylist(),
            strict=True,
        )
    )


class ResolverLinking:
    """Vigil's resolver: a full link trains the person model, updates reuse its parameters.

    A full link trains the model again only once the person mentions have
    grown `retrain_growth` times over since it was trained; until then it
    blocks, scores and clusters everything known with the kept parameters
    (training is most of a full link's cost, and a model trained on half the
    mentions has seen the same kinds of evidence). Until a full link has
    trained a model (too few person mentions), an update links its mentions
    by the resolver as a full link would.

    Attributes:
        model: The person model the last full link used, if any.
        trained: How many full links trained a model.
        reused: How many full links scored with a kept model instead.
    """

    def __init__(
        self, options: PersonModelOptions | None = None, *, retrain_growth: float = 2.0
    ) -> None:
        self.options = options
        self.retrain_growth = retrain_growth
        self.model: PersonModel | None = None
        self.trained = 0
        self.reused = 0

    def full(
        self, mentions: pa.Table, links: pa.Table, previous: Mapping[MentionKey, str]
    ) -> dict[MentionKey, str]:
        kept = self.model
        if kept is not None and _people(mentions) > self.retrain_growth * kept.trained_on:
            kept = None
        resolution = resolve(mentions, links, previous=previous, options=self.options, model=kept)
        self.model = resolution.model
        if kept is not None and resolution.model is not None:
            self.reused += 1
        else:
            self.trained += resolution.model is not None
        return _assignment(resolution.memberships)

    def update(
        self, mentions: pa.Table, links: pa.Table, assigned: Mapping[MentionKey, str]
    ) -> dict[MentionKey, str]:
        if self.model is None or _people(mentions) < MIN_MENTIONS_FOR_MODEL:
            # Few enough for the resolver's strict rule, much quicker than scoring
            # by the model; never kept (a model trained on a handful is no model).
            resolution = resolve(mentions, links, previous=assigned, options=self.options)
            return _assignment(resolution.memberships)
        since = Previous(assignment=assigned, linked_mentions={}, model=self.model)
        return _assignment(resolve(mentions, links, since=since).memberships)


def _people(mentions: pa.Table) -> int:
    """How many of the mentions are of people."""
    return int(pc.sum(pc.equal(mentions.column("type"), "person")).as_py() or 0)


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
    fired: frozenset[str] = frozenset()  # the keys of the alerts firing at the step


@dataclass(slots=True)
class ReplayResult:
    """What a replay found.

    Attributes:
        alerts: The alerts firing at the last step.
        raised_at: Each alert key ever fired, with the first step it fired at.
        first: Each alert key as it stood when first raised.
        subject_mentions: Each alert key's subject mentions when first raised (a
            later full link may give the same person a new id, and so the alert a
            new key: these say whom the earlier alert was about).
        entity_of: The last step's entity for every mention.
        steps: Per-step counts and timings.
        rekeyed: Each key a full link retired (its subject's id went to another
            entity), with the key the alert has now: the alert is counted once,
            under its current key, dated by the earliest step either key fired.
    """

    alerts: list[Alert] = field(default_factory=list)
    raised_at: dict[str, datetime] = field(default_factory=dict)
    first: dict[str, Alert] = field(default_factory=dict)
    subject_mentions: dict[str, tuple[MentionKey, ...]] = field(default_factory=dict)
    entity_of: dict[MentionKey, str] = field(default_factory=dict)
    steps: list[StepStats] = field(default_factory=list)
    rekeyed: dict[str, str] = field(default_factory=dict)

    def rekey(self, lineage: Lineage) -> int:
        """Moves every alert key whose subjects a re-link retired to its key now.

        When two keys become one (a merge), the one raised first stands, with
        its first alert and subject mentions. Returns how many keys moved.
        """
        moved = 0
        for key in sorted(self.raised_at):
            found = self.first[key].finding
            now = lineage.key(found.rule, found.subject_ids)
            if now == key:
                continue
            moved += 1
            at = self.raised_at.pop(key)
            first = self.first.pop(key)
            mentions = self.subject_mentions.pop(key)
            if now not in self.raised_at or at < self.raised_at[now]:
                self.raised_at[now] = at
                self.first[now] = first
                self.subject_mentions[now] = mentions
            self.rekeyed[key] = now
            for old, to in self.rekeyed.items():
                if to == key:
                    self.rekeyed[old] = now
        return moved

    @property
    def withdrawn(self) -> list[str]:
        """Keys that fired at some step but not at the last one."""
        last = {a.finding.key for a in self.alerts}
        return sorted(k for k in self.raised_at if k not in last)

    def soonest_raised(self) -> dict[str, datetime]:
        """The soonest each alert could have been raised by detecting after every ingest.

        Replay sees an alert only at the end of the step that raised it
        (`raised_at`, an upper bound, up to a step late). It had not fired at the
        step before, so it could not have been raised before that step's end, nor
        before its trigger (the recording of its last piece of evidence, as first
        raised): the later of the two is a lower bound. It assumes linkage between
        the two steps would have joined what the later step's did; nothing recorded
        after the step that raised it enters.
        """
        index = {step.at: i for i, step in enumerate(self.steps)}
        out = {}
        for key, at in self.raised_at.items():
            triggered = min(self.first[key].finding.triggered_at, at)
            i = index.get(at, 0)
            out[key] = max(triggered, self.steps[i - 1].at) if i else triggered
        return out


def _sorted_by(table: pa.Table, column: str) -> pa.Table:
    return table.take(pc.sort_indices(table, sort_keys=[(column, "ascending")]))


def _person_keys(mentions: pa.Table) -> dict[int, set[str]]:
    """Blocking keys of each person mention (by row), from its own fields alone."""
    table = features.person_features(features.person_rows(mentions))
    blocks = [b for b in _PERSON_BLOCKS if all(c in table.column_names for c in b)]
    columns = {c: table.column(c).to_pylist() for b in blocks for c in b}
    names = zip(
        table.column("forename_key").to_pylist(),
        table.column("surname_key").to_pylist(),
        strict=True,
    )
    out: dict[int, set[str]] = {}
    for i, (row, (forename, surname)) in enumerate(
        zip(table.column("unique_id").to_pylist(), names, strict=True)
    ):
        keys = out.setdefault(row, set())
        for block in blocks:
            values = [columns[c][i] for c in block]
            if all(v is not None and v != "" for v in values):
                keys.add("|".join(block) + "=" + "|".join(str(v) for v in values))
        if forename and surname:  # either way round ("Kaur Danny" for "Danny Kaur")
            keys.add("names=" + "|".join(sorted((forename, surname))))
    return out


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

    def __init__(
        self, mentions: pa.Table, linking: Linking, previous: Mapping[MentionKey, str]
    ) -> None:
        self.linking = linking
        self.assigned: dict[MentionKey, str] = {}
        self.previous = dict(previous)
        self.keys = list(
            zip(
                mentions.column("record_id").to_pylist(),
                mentions.column("ref").to_pylist(),
                strict=True,
            )
        )
        columns = {
            c: mentions.column(c).to_pylist() if c in mentions.column_names else None
            for c in _KEY_COLUMNS
        }
        self.crude = [
            _crude_keys({c: v[i] for c, v in columns.items() if v is not None})
            for i in range(len(self.keys))
        ]
        for row, keys in _person_keys(mentions).items():
            self.crude[row] |= keys
        self.people = [t == "person" for t in mentions.column("type").to_pylist()]
        self.rows_by_key: dict[str, list[int]] = {}
        self.rows_of_record: dict[str, list[int]] = {}
        self.done = 0  # mentions rows [0, done) are assigned
        self.full_at = 0  # how many rows the last full link saw

    def full(self, mentions: pa.Table, links: pa.Table, upto: int) -> None:
        # Ids found before the replay are labels only: they never decide membership.
        found = self.linking.full(
            mentions.slice(0, upto), links, {**self.previous, **self.assigned}
        )
        self.assigned = {key: found[key] for key in self.keys[:upto]}
        self._index(upto)
        self.full_at = upto

    def incremental(self, mentions: pa.Table, links: pa.Table, upto: int) -> None:
        if upto == self.done:
            return
        new = range(self.done, upto)
        near: set[int] = set()
        for row in new:
            # A vehicle, phone, address or organisation is resolved by its key alone: a
            # few known mentions under the key carry its id (a school named in hundreds
            # of records would otherwise bring all of them, and their records, along).
            for key in self.crude[row]:
                known = self.rows_by_key.get(key, [])
                near.update(known if self.people[row] else known[-_IDENTIFIER_NEIGHBOURS:])
        # Whole records, so that a mention is linked with what its record says about it.
        records = {self.keys[r][0] for r in near}
        near.update(r for record_id in records for r in self.rows_of_record[record_id])
        rows = sorted(near) + list(new)
        found = self.linking.update(
            mentions.take(pa.array(rows, pa.int64())),
            links.filter(
                pc.is_in(
                    links.column("record_id"),
                    pa.array(sorted(records | {self.keys[r][0] for r in new}), pa.string()),
                )
            ),
            {
                **(self.previous if isinstance(self.linking, _Plain) else {}),
                **{self.keys[r]: self.assigned[self.keys[r]] for r in near},
            },
        )
        for row in new:
            self.assigned[self.keys[row]] = found[self.keys[row]]
        self._index(upto)

    def _index(self, upto: int) -> None:
        for row in range(self.done, upto):
            for key in self.crude[row]:
                self.rows_by_key.setdefault(key, []).append(row)
            self.rows_of_record.setdefault(self.keys[row][0], []).append(row)
        self.done = upto


def replay(
    data: ReplayData,
    steps: Sequence[datetime],
    *,
    link: LinkFn | Linking | None = None,
    detect: DetectFn | None = None,
    previous: Mapping[MentionKey, str] | None = None,
    relink_every: int = 12,
    relink_growth: float = 2.0,
    end_in_full: bool = True,
) -> ReplayResult:
    """Links and detects as of each step, from only what was dated on or before it.

    Args:
        data: Everything held, read once.
        steps: The moments to stand at, in order.
        link: Resolves mentions to entities (keeping `previous` ids where it can):
            a function used alike for full links and updates, or a `Linking`;
            vigil's resolver keeping its trained model (`ResolverLinking`) by default.
        detect: Runs detection on what is known at a step; by default a `Detector`
            (every rule, the packaged configuration and harm weights), which carries
            its evidence from step to step.
        previous: Entity ids from before the replay, kept where membership persists.
        relink_every: Link everything known in full every this many steps
            (and at the last step, but not a quarter of this many steps before
            it); in between, only the new mentions are linked. 1 links in full
            at every step.
        relink_growth: Also link in full when the known mentions have grown
            this many times over since the last full link (early on, when that is cheap).
        end_in_full: Link in full at the last step, so the alerts the replay ends
            with rest on the linkage a full link gives.

    Returns:
        The last step's alerts, and when each alert key was first raised.
    """
    if list(steps) != sorted(steps):
        raise ValueError("steps must be in order")
    linking: Linking
    if link is None:
        linking = ResolverLinking()
    elif callable(link) and not hasattr(link, "full"):
        linking = _Plain(link)
    else:
        linking = link  # type: ignore[assignment]
    detect = detect or Detector()
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

    linker = _Linker(mentions, linking, previous or {})
    made = _Mentions(base)
    result = ReplayResult()
    lineage = Lineage({})
    since_full = 0
    for index, at in enumerate(steps):
        n_records = bisect.bisect_right(record_times, at)
        n_mentions = bisect.bisect_right(mention_times, at)
        n_links = bisect.bisect_right(link_times, at)
        known_links = links_table.slice(0, n_links)
        started = time.monotonic()
        since_full += 1
        last = len(steps) - 1
        full = (
            (end_in_full and index == last)
            # Not when the last step, linked in full anyway, is a few steps away.
            or (
                since_full >= relink_every
                and not (end_in_full and last - index < relink_every // 4)
            )
            or n_mentions >= relink_growth * max(linker.full_at, 1)
        )
        if full and n_mentions:
            before = linker.assigned
            linker.full(mentions, known_links, n_mentions)
            since_full = 0
            # Ids the full link retired: alerts on them continue under their successors.
            moves = successors(before, linker.assigned)
            if moves:
                lineage.extend(
                    {old: new for old, (new, _) in moves.items()}, set(linker.assigned.values())
                )
                result.rekey(lineage)
        else:
            full = False
            linker.incremental(mentions, known_links, n_mentions)
        linked = time.monotonic()
        known = DetectInput(
            records=tuple(records[:n_records]),
            mentions=made.upto(n_mentions, linker.assigned, relinked=full),
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
                subjects = set(alert.finding.subject_ids)
                result.subject_mentions[key] = tuple(
                    m for m in alert.finding.mentions if linker.assigned.get(m) in subjects
                )
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
                fired=frozenset(a.finding.key for a in alerts),
            )
        )
    result.entity_of = dict(linker.assigned)
    return result


class _Mentions:
    """The detection mentions of the first rows, made again only where an entity changed."""

    def __init__(self, base: Sequence[tuple[Any, ...]]) -> None:
        self.base = base
        self.made: list[Mention] = []

    def upto(
        self, n: int, entity_of: Mapping[MentionKey, str], *, relinked: bool
    ) -> tuple[Mention, ...]:
        # An update links only new mentions; a full link may move any.
        for row, mention in enumerate(self.made if relinked else ()):
            entity_id = entity_of[(mention.record_id, mention.ref)]
            if mention.entity_id != entity_id:
                self.made[row] = self._mention(row, entity_id)
        for row in range(len(self.made), n):
            record_id, ref = self.base[row][:2]
            self.made.append(self._mention(row, entity_of[(record_id, ref)]))
        return tuple(self.made[:n])

    def _mention(self, row: int, entity_id: str) -> Mention:
        record_id, ref, kind, role, age, dob = self.base[row]
        return Mention(record_id, ref, entity_id, kind, role, age, dob)


def _sorted_links(links: pa.Table, recorded_at: Mapping[str, datetime], far: datetime) -> pa.Table:
    ids = links.column("record_id").to_pylist()
    order = sorted(range(len(ids)), key=lambda i: recorded_at.get(ids[i], far))
    return links.take(pa.array(order, pa.int64()))
