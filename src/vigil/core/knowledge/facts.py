"""What the store says about one entity or network: the input to a knowledge chronology.

The web layer gathers these from the store; tests write them by hand. Records
and actions are named by their source ids, staff by their staff ids.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class StaffFact:
    """A professional, as the staff file describes them."""

    staff_id: str
    agency: str
    name: str | None = None
    role: str | None = None
    team: str | None = None


@dataclass(frozen=True, slots=True)
class RecordFact:
    """A record (its current version) that mentions the entity or network.

    `shared_with` holds agency codes or staff ids; `attendees` (meetings) staff ids.
    """

    record_id: str
    agency: str
    kind: str
    recorded_at: datetime
    author: str | None = None
    title: str | None = None
    shared_with: tuple[str, ...] = ()
    attendees: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ReadFact:
    """Someone read a record: a historical access line or a view logged by Vigil.

    `agency` is set when the source names it (Vigil's audit log does); otherwise
    it comes from the staff file.
    """

    record_id: str
    staff_id: str
    at: datetime
    source: str = "historical"  # or "vigil"
    agency: str | None = None


@dataclass(frozen=True, slots=True)
class ActionFact:
    """An action or decision (its current version) on records that mention the entity."""

    action_id: str
    kind: str
    taken_at: datetime
    agency: str
    record_ids: tuple[str, ...]
    by: str | None = None
    approved_by: str | None = None
    rationale: str | None = None


@dataclass(frozen=True, slots=True)
class KnowledgeFacts:
    """Everything known about who could have known about `entity_ids`."""

    entity_ids: tuple[str, ...]
    records: tuple[RecordFact, ...] = ()
    reads: tuple[ReadFact, ...] = ()
    actions: tuple[ActionFact, ...] = ()
    staff: Mapping[str, StaffFact] = field(default_factory=dict)
