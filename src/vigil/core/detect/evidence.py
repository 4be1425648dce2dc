"""The facts every rule reads, worked out once: ages, concern records, who was with whom."""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from vigil.core.detect.config import DetectConfig
from vigil.core.detect.inputs import (
    Action,
    DetectInput,
    Link,
    Mention,
    MentionKey,
    Record,
    occurred_date,
)
from vigil.core.normalise.ages import age_on


def age_at(mention: Mention, record: Record) -> float | None:
    """A person's age in years when the record's event happened, or None when unknown.

    The stated age wins; otherwise the date of birth (its earliest day when
    partial) against the occurred date, or the recorded date when that is missing.
    """
    if mention.age is not None:
        return mention.age
    if not mention.dob:
        return None
    born = occurred_date(mention.dob)
    if born is None:
        return None
    on: date = record.occurred or record.recorded_at.date()
    years = age_on(born, on)
    return float(years) if years >= 0 else None


@dataclass(slots=True)
class Evidence:
    """Indexes over one detection input.

    Attributes:
        config: The thresholds and definitions in force.
        as_of: The moment detection stands at.
        records: Records by id.
        mentions: Mentions by record id.
        links: Links by record id.
        ages: Age in years of each person mention whose age is known.
        concerns: Ids of concern records, oldest first.
        concern_set: The same ids, to look up.
        actions_on_record: Actions naming each record.
        actions_on_entity: Actions naming each entity as a subject.
        entity_type: Each entity's type.
        entity_of: Each mention's entity.
    """

    config: DetectConfig
    as_of: datetime
    records: dict[str, Record]
    mentions: dict[str, list[Mention]]
    links: dict[str, list[Link]]
    actions: tuple[Action, ...]
    ages: dict[MentionKey, float] = field(default_factory=dict)
    concerns: list[str] = field(default_factory=list)
    concern_set: set[str] = field(default_factory=set)
    actions_on_record: dict[str, list[Action]] = field(default_factory=dict)
    actions_on_entity: dict[str, list[Action]] = field(default_factory=dict)
    entity_type: dict[str, str] = field(default_factory=dict)
    entity_of: dict[MentionKey, str] = field(default_factory=dict)
    # A record's involved people, children and adults, worked out once: every rule
    # asks at every step, and a record's mentions never change once indexed.
    _by_record: dict[tuple[str, str], list[Mention]] = field(default_factory=dict)

    def is_child(self, mention: Mention) -> bool:
        """Known to be under the child age when the record's event happened."""
        age = self.ages.get((mention.record_id, mention.ref))
        return age is not None and age < self.config.concern.child_age

    def age(self, mention: Mention) -> float | None:
        """The mention's age in years, if known."""
        return self.ages.get((mention.record_id, mention.ref))

    def involved(self, record_id: str) -> list[Mention]:
        """The record's mentions other than reporters, professionals and witnesses.

        The list is shared between callers: read it, never change it.
        """
        found = self._by_record.get(("involved", record_id))
        if found is None:
            ignored = self.config.concern.ignored_roles
            found = [m for m in self.mentions.get(record_id, ()) if m.role not in ignored]
            self._by_record[("involved", record_id)] = found
        return found

    def children(self, record_id: str) -> list[Mention]:
        """Person mentions known to be children, in a child role (shared: read only)."""
        found = self._by_record.get(("children", record_id))
        if found is None:
            roles = self.config.concern.child_roles
            found = [
                m
                for m in self.involved(record_id)
                if m.type == "person" and m.role in roles and self.is_child(m)
            ]
            self._by_record[("children", record_id)] = found
        return found

    def adults(self, record_id: str) -> list[Mention]:
        """Person mentions in an adult role not known to be children (shared: read only)."""
        found = self._by_record.get(("adults", record_id))
        if found is None:
            roles = self.config.concern.adult_roles
            found = [
                m
                for m in self.involved(record_id)
                if m.type == "person" and m.role in roles and not self.is_child(m)
            ]
            self._by_record[("adults", record_id)] = found
        return found

    def time(self, record_id: str) -> datetime:
        """When the record was recorded."""
        return self.records[record_id].recorded_at


def build_evidence(data: DetectInput, config: DetectConfig, as_of: datetime) -> Evidence:
    """Indexes a detection input and finds its concern records."""
    return EvidenceBuilder(config).update(data, as_of).evidence


@dataclass(frozen=True, slots=True)
class Update:
    """What `EvidenceBuilder.update` did.

    Attributes:
        evidence: The evidence as of the update.
        rebuilt: True when everything was indexed again (the input did not only grow).
        records: The records indexed by this update, in input order.
        concerns: Those of them that are concern records, oldest first.
    """

    evidence: Evidence
    rebuilt: bool
    records: tuple[str, ...]
    concerns: tuple[str, ...]


class EvidenceBuilder:
    """Evidence carried from one detection input to the next when the input only grows.

    Replay detects at every step over what was recorded by then: each step's
    input is the last one with records (and their mentions and links) and
    actions added at the end. Those are indexed onto the evidence already
    built; anything else (a mention's entity changed by a full link, an
    earlier record given another mention, an action's subject appearing late)
    indexes everything again, so the evidence always equals `build_evidence`
    over the whole input.
    """

    def __init__(self, config: DetectConfig) -> None:
        self.config = config
        self.evidence: Evidence | None = None
        self._data = DetectInput((), ())
        self._orphans: set[str] = set()  # records named by mentions or links, not yet held
        self._waiting: set[MentionKey] = set()  # action subjects not yet mentioned

    def update(self, data: DetectInput, as_of: datetime) -> Update:
        """Brings the evidence to `data`, standing at `as_of`."""
        old = self._data
        grown = self.evidence is not None and all(
            len(new) >= len(before) and new[: len(before)] == before
            for new, before in (
                (data.records, old.records),
                (data.mentions, old.mentions),
                (data.links, old.links),
                (data.actions, old.actions),
            )
        )
        if grown and self.evidence is not None:
            evidence, rebuilt = self.evidence, False
            records = data.records[len(old.records) :]
            mentions = data.mentions[len(old.mentions) :]
            links = data.links[len(old.links) :]
            actions = data.actions[len(old.actions) :]
            new_ids = {r.record_id for r in records}
            if (
                len(new_ids) < len(records)
                or any(r in evidence.records or r in self._orphans for r in new_ids)
                or any(m.record_id in evidence.records for m in mentions)
                or any(link.record_id in evidence.records for link in links)
                or any((m.record_id, m.ref) in self._waiting for m in mentions)
            ):
                grown = False  # something earlier changed: index everything again
        if not grown or self.evidence is None:
            evidence = Evidence(self.config, as_of, {}, defaultdict(list), defaultdict(list), ())
            rebuilt = True
            records, mentions = data.records, data.mentions
            links, actions = data.links, data.actions
            self._orphans, self._waiting = set(), set()
        evidence.as_of = as_of
        evidence.actions = data.actions
        concerns = self._add(evidence, records, mentions, links, actions)
        self.evidence, self._data = evidence, data
        return Update(evidence, rebuilt, tuple(r.record_id for r in records), concerns)

    def _add(
        self,
        evidence: Evidence,
        records: Sequence[Record],
        mentions: Sequence[Mention],
        links: Sequence[Link],
        actions: Sequence[Action],
    ) -> tuple[str, ...]:
        """Indexes new records, mentions, links and actions; returns the new concern records."""
        for record in records:
            evidence.records[record.record_id] = record
            for kind in ("involved", "children", "adults"):  # asked about before it was held
                evidence._by_record.pop((kind, record.record_id), None)
        for mention in mentions:
            held = evidence.records.get(mention.record_id)
            if held is None:
                self._orphans.add(mention.record_id)
                continue
            evidence.mentions[mention.record_id].append(mention)
            evidence.entity_type[mention.entity_id] = mention.type
            evidence.entity_of[(mention.record_id, mention.ref)] = mention.entity_id
            if mention.type == "person":
                age = age_at(mention, held)
                if age is not None:
                    evidence.ages[(mention.record_id, mention.ref)] = age
        for link in links:
            if link.record_id in evidence.records:
                evidence.links[link.record_id].append(link)
            else:
                self._orphans.add(link.record_id)
        entity_of = evidence.entity_of
        for action in sorted(actions, key=_action_order):
            for record_id in action.record_ids:
                _insert(evidence.actions_on_record.setdefault(record_id, []), action)
            for entity_id in {entity_of[s] for s in action.subjects if s in entity_of}:
                _insert(evidence.actions_on_entity.setdefault(entity_id, []), action)
            self._waiting.update(s for s in action.subjects if s not in entity_of)
        found = sorted(
            (r for r in dict.fromkeys(r.record_id for r in records) if _is_concern(evidence, r)),
            key=lambda r: _concern_order(evidence, r),
        )
        evidence.concern_set.update(found)
        if (
            evidence.concerns
            and found
            and _concern_order(evidence, found[0]) < _concern_order(evidence, evidence.concerns[-1])
        ):
            evidence.concerns = sorted(
                evidence.concern_set, key=lambda r: _concern_order(evidence, r)
            )
        else:
            evidence.concerns.extend(found)
        return tuple(found)


def _action_order(action: Action) -> tuple[datetime, str]:
    return (action.taken_at, action.action_id)


def _insert(actions: list[Action], action: Action) -> None:
    """Adds an action keeping the list in time order (new actions are usually the latest)."""
    if not actions or _action_order(actions[-1]) <= _action_order(action):
        actions.append(action)
    else:
        bisect.insort(actions, action, key=_action_order)


def _concern_order(evidence: Evidence, record_id: str) -> tuple[datetime, str]:
    return (evidence.records[record_id].recorded_at, record_id)


def _is_concern(evidence: Evidence, record_id: str) -> bool:
    record = evidence.records[record_id]
    concern = evidence.config.concern
    if record.offence in concern.offences:
        return True
    if record.kind not in concern.kinds:
        return False
    return bool(evidence.children(record_id)) and bool(evidence.adults(record_id))


@dataclass(slots=True)
class ChildLinks:
    """The children one entity appears with in concern records.

    Attributes:
        first_seen: Each child entity, with when it first appeared with this one.
        mentions: The mentions of both, as evidence.
    """

    first_seen: dict[str, datetime] = field(default_factory=dict)
    mentions: set[MentionKey] = field(default_factory=set)

    def triggered_at(self, count: int) -> datetime:
        """When the `count`-th distinct child appeared."""
        return sorted(self.first_seen.values())[count - 1]


def children_by_entity(
    evidence: Evidence, accept: Callable[[Mention], bool]
) -> dict[str, ChildLinks]:
    """For each accepted mention in a concern record, the children named with it."""
    out: dict[str, ChildLinks] = defaultdict(ChildLinks)
    for record_id in evidence.concerns:
        children = evidence.children(record_id)
        if not children:
            continue
        at = evidence.time(record_id)
        for mention in evidence.involved(record_id):
            if not accept(mention):
                continue
            links = out[mention.entity_id]
            for child in children:
                if child.entity_id == mention.entity_id:
                    continue
                links.first_seen.setdefault(child.entity_id, at)
                links.mentions.update({(record_id, mention.ref), (record_id, child.ref)})
    return out
