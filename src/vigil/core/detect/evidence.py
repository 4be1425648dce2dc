"""The facts every rule reads, worked out once: ages, concern records, who was with whom."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
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
    actions_on_record: dict[str, list[Action]] = field(default_factory=dict)
    actions_on_entity: dict[str, list[Action]] = field(default_factory=dict)
    entity_type: dict[str, str] = field(default_factory=dict)
    entity_of: dict[MentionKey, str] = field(default_factory=dict)

    def is_child(self, mention: Mention) -> bool:
        """Known to be under the child age when the record's event happened."""
        age = self.ages.get((mention.record_id, mention.ref))
        return age is not None and age < self.config.concern.child_age

    def age(self, mention: Mention) -> float | None:
        """The mention's age in years, if known."""
        return self.ages.get((mention.record_id, mention.ref))

    def involved(self, record_id: str) -> list[Mention]:
        """The record's mentions other than reporters, professionals and witnesses."""
        ignored = self.config.concern.ignored_roles
        return [m for m in self.mentions.get(record_id, ()) if m.role not in ignored]

    def children(self, record_id: str) -> list[Mention]:
        """Person mentions known to be children, in a child role."""
        roles = self.config.concern.child_roles
        return [
            m
            for m in self.involved(record_id)
            if m.type == "person" and m.role in roles and self.is_child(m)
        ]

    def adults(self, record_id: str) -> list[Mention]:
        """Person mentions in an adult role not known to be children."""
        roles = self.config.concern.adult_roles
        return [
            m
            for m in self.involved(record_id)
            if m.type == "person" and m.role in roles and not self.is_child(m)
        ]

    def time(self, record_id: str) -> datetime:
        """When the record was recorded."""
        return self.records[record_id].recorded_at


def build_evidence(data: DetectInput, config: DetectConfig, as_of: datetime) -> Evidence:
    """Indexes a detection input and finds its concern records."""
    evidence = Evidence(
        config=config,
        as_of=as_of,
        records={r.record_id: r for r in data.records},
        mentions=defaultdict(list),
        links=defaultdict(list),
        actions=data.actions,
    )
    for mention in data.mentions:
        record = evidence.records.get(mention.record_id)
        if record is None:
            continue
        evidence.mentions[mention.record_id].append(mention)
        evidence.entity_type[mention.entity_id] = mention.type
        if mention.type == "person":
            age = age_at(mention, record)
            if age is not None:
                evidence.ages[(mention.record_id, mention.ref)] = age
    for link in data.links:
        if link.record_id in evidence.records:
            evidence.links[link.record_id].append(link)
    entity_of = {(m.record_id, m.ref): m.entity_id for ms in evidence.mentions.values() for m in ms}
    evidence.entity_of = entity_of
    on_record: dict[str, list[Action]] = defaultdict(list)
    on_entity: dict[str, list[Action]] = defaultdict(list)
    for action in sorted(data.actions, key=lambda a: (a.taken_at, a.action_id)):
        for record_id in action.record_ids:
            on_record[record_id].append(action)
        for entity_id in {entity_of[s] for s in action.subjects if s in entity_of}:
            on_entity[entity_id].append(action)
    evidence.actions_on_record = dict(on_record)
    evidence.actions_on_entity = dict(on_entity)
    evidence.concerns = sorted(
        (r for r in evidence.records if _is_concern(evidence, r)),
        key=lambda r: (evidence.records[r].recorded_at, r),
    )
    return evidence


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
