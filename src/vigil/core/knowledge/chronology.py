"""Who knew what, when: the facts about an entity turned into dated knowledge events.

A record is taken as known from when it was recorded: that is when the
knowledge went on file, and it is the date inquiries (and the scenario's
truth) use. Sharing is dated with the record too, as the store keeps no
separate date for it. Events carry ids, agencies and the record's title only:
never a rationale's text or anything else that may name a child.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from vigil.core.knowledge.facts import ActionFact, KnowledgeFacts, ReadFact, RecordFact

DECISION_KINDS = frozenset({"no_further_action", "closed"})
"""Action kinds that are decisions not to act (or to stop), rather than actions."""

NO_FURTHER_ACTION = "no_further_action"


class EventKind(StrEnum):
    """How someone came to know, or what they did with what they knew."""

    RECORDED = "recorded"
    DISCUSSED = "discussed"
    SHARED = "shared"
    READ = "read"
    DECIDED = "decided"
    ACTED = "acted"


_ORDER = {kind: index for index, kind in enumerate(EventKind)}


@dataclass(frozen=True, slots=True)
class KnowledgeEvent:
    """One moment at which an agency or professional knew, or decided, or acted.

    Attributes:
        when: When it happened (timezone-aware).
        kind: What happened.
        agency: The agency that knew (None when nothing says which).
        staff: The professional, by staff id (None for a sharing with a whole agency).
        record_id: The record it concerns (for an action, the first it was taken on).
        summary: One line: what happened, with no detail beyond the record's title.
        action_kind: For decisions and actions, their kind (`no_further_action`, ...).
        has_rationale: For decisions and actions, whether a rationale was written.
    """

    when: datetime
    kind: EventKind
    agency: str | None
    staff: str | None
    record_id: str | None
    summary: str
    action_kind: str | None = None
    has_rationale: bool | None = None

    def sort_key(self) -> tuple[datetime, int, str, str]:
        """Time first; at the same moment, recording before sharing before reading."""
        return (self.when, _ORDER[self.kind], self.record_id or "", self.staff or "")


def build_chronology(facts: KnowledgeFacts) -> list[KnowledgeEvent]:
    """Every knowledge event the facts show, earliest first.

    Args:
        facts: The records, reads, actions and staff about one entity or network.

    Returns:
        The events sorted by time (ties: recorded, discussed, shared, read,
        decided, acted; then record id and staff id), so the order is stable.
    """
    events = [
        *(event for record in facts.records for event in _record_events(record, facts)),
        *(_read_event(read, facts) for read in facts.reads),
        *(event for action in facts.actions for event in _action_events(action, facts)),
    ]
    return sorted(events, key=KnowledgeEvent.sort_key)


def _agency_of(staff_id: str | None, facts: KnowledgeFacts) -> str | None:
    known = facts.staff.get(staff_id) if staff_id else None
    return known.agency if known else None


def _record_events(record: RecordFact, facts: KnowledgeFacts) -> Iterator[KnowledgeEvent]:
    title = record.title or record.kind.replace("_", " ")
    yield KnowledgeEvent(
        when=record.recorded_at,
        kind=EventKind.RECORDED,
        agency=record.agency,
        staff=record.author,
        record_id=record.record_id,
        summary=f"{record.kind.replace('_', ' ')} recorded: {title}",
    )
    if record.kind == "meeting":
        for attendee in dict.fromkeys(record.attendees):
            yield KnowledgeEvent(
                when=record.recorded_at,
                kind=EventKind.DISCUSSED,
                agency=_agency_of(attendee, facts) or None,
                staff=attendee,
                record_id=record.record_id,
                summary=f"discussed at meeting: {title}",
            )
    for target in dict.fromkeys(record.shared_with):
        # A sharing names an agency or, less often, one professional.
        person = facts.staff.get(target)
        yield KnowledgeEvent(
            when=record.recorded_at,
            kind=EventKind.SHARED,
            agency=person.agency if person else target,
            staff=target if person else None,
            record_id=record.record_id,
            summary=f"{record.agency} shared {title} with {target}",
        )


def _read_event(read: ReadFact, facts: KnowledgeFacts) -> KnowledgeEvent:
    where = "viewed in Vigil" if read.source == "vigil" else "read (agency access log)"
    return KnowledgeEvent(
        when=read.at,
        kind=EventKind.READ,
        agency=read.agency or _agency_of(read.staff_id, facts),
        staff=read.staff_id,
        record_id=read.record_id,
        summary=where,
    )


def _action_events(action: ActionFact, facts: KnowledgeFacts) -> Iterator[KnowledgeEvent]:
    kind = EventKind.DECIDED if action.kind in DECISION_KINDS else EventKind.ACTED
    has_rationale = bool(action.rationale and action.rationale.strip())
    words = action.kind.replace("_", " ")
    reasoned = "with a written rationale" if has_rationale else "with no rationale recorded"
    record_id = action.record_ids[0] if action.record_ids else None
    approval = f", approved by {action.approved_by}" if action.approved_by else ""
    yield KnowledgeEvent(
        when=action.taken_at,
        kind=kind,
        agency=action.agency,
        staff=action.by,
        record_id=record_id,
        summary=f"{words} by {action.by or 'unknown'}{approval}, {reasoned}",
        action_kind=action.kind,
        has_rationale=has_rationale,
    )
    if action.approved_by and action.approved_by != action.by:
        yield KnowledgeEvent(
            when=action.taken_at,
            kind=kind,
            agency=_agency_of(action.approved_by, facts) or action.agency,
            staff=action.approved_by,
            record_id=record_id,
            summary=f"approved {words} by {action.by or 'unknown'}",
            action_kind=action.kind,
            has_rationale=has_rationale,
        )
