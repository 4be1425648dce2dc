"""Gathering the facts of who could have known about an entity or network, from the store.

A fixed handful of batched queries whatever the number of records: the
entity's mentions, the current versions of the records holding them, the
current actions on those records, the historical access lines and Vigil's own
logged views of them, and the staff they name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import TypeVar

from django.db import connection

from vigil.core.audit import Event
from vigil.core.knowledge import ActionFact, KnowledgeFacts, ReadFact, RecordFact, StaffFact
from vigil.web.audit.models import AuditEntry
from vigil.web.entities.models import Entity, EntityMention
from vigil.web.records import models
from vigil.web.records.access import User, visible_source_ids

# Well under SQLite's bound on query parameters, and small enough for one regex.
CHUNK = 500
_T = TypeVar("_T")


def _chunks(items: Sequence[_T], size: int = CHUNK) -> Iterator[Sequence[_T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def knowledge_facts(
    *, entity_ids: Sequence[str], vigil_views: bool = True, user: User | None = None
) -> KnowledgeFacts:
    """The facts about `entity_ids` that a knowledge chronology is built from.

    Args:
        entity_ids: Entity ids from the latest linkage (one entity, or a network's).
        vigil_views: Also include record views logged in Vigil's audit log.
        user: Only records need-to-know lets this user read, and the actions,
            reads and staff those name; None (the command line) gives all.

    Returns:
        The records mentioning them (current versions), the actions on those
        records, the reads of them and the staff those name. Unknown ids give
        empty facts.
    """
    wanted = tuple(dict.fromkeys(entity_ids))
    record_ids = sorted(
        {
            source_id
            for chunk in _chunks(wanted)
            for source_id in EntityMention.objects.filter(entity__entity_id__in=chunk).values_list(
                "record_source_id", flat=True
            )
        }
    )
    if user is not None:
        record_ids = sorted(visible_source_ids(user, record_ids))
    pks, records = _records(record_ids)
    reads = _historical_reads(record_ids)
    if vigil_views:
        reads.extend(_vigil_views(pks))
    actions = _actions(record_ids)
    named = {
        *(r.author for r in records if r.author),
        *(person for r in records for person in (*r.attendees, *r.shared_with)),
        *(read.staff_id for read in reads if read.source == "historical"),
        *(a.by for a in actions if a.by),
        *(a.approved_by for a in actions if a.approved_by),
    }
    return KnowledgeFacts(
        entity_ids=wanted,
        records=tuple(records),
        reads=tuple(reads),
        actions=tuple(actions),
        staff=_staff(sorted(named)),
    )


def _records(record_ids: Sequence[str]) -> tuple[dict[int, str], list[RecordFact]]:
    pks: dict[int, str] = {}
    found: list[RecordFact] = []
    columns = ("agency", "kind", "recorded_at", "author", "title", "shared_with", "attendees")
    for chunk in _chunks(record_ids):
        rows = models.Record.objects.filter(
            source_id__in=chunk, current_version__isnull=False
        ).values_list("pk", "source_id", *(f"current_version__{c}" for c in columns))
        for pk, source_id, agency, kind, at, author, title, shared, attendees in rows:
            pks[pk] = source_id
            found.append(
                RecordFact(
                    record_id=source_id,
                    agency=agency,
                    kind=kind,
                    recorded_at=at,
                    author=author,
                    title=title,
                    shared_with=tuple(str(s) for s in shared or ()),
                    attendees=tuple(str(s) for s in attendees or ()),
                )
            )
    return pks, found


def _historical_reads(record_ids: Sequence[str]) -> list[ReadFact]:
    return [
        ReadFact(record_id=record_id, staff_id=staff_id, at=at)
        for chunk in _chunks(record_ids)
        for staff_id, record_id, at in models.AccessEvent.objects.filter(
            record_source_id__in=chunk
        ).values_list("staff_source_id", "record_source_id", "at")
    ]


def _vigil_views(pks: dict[int, str]) -> list[ReadFact]:
    """Record pages read in Vigil, from the audit log (which names records by primary key)."""
    found: list[ReadFact] = []
    for chunk in _chunks(sorted(pks)):
        pattern = rf"(^| )record:({'|'.join(str(pk) for pk in chunk)})( |$)"
        rows = AuditEntry.objects.filter(event=Event.VIEW, object_refs__regex=pattern).values_list(
            "at", "actor_id", "actor_agency", "object_refs"
        )
        for at, actor, agency, refs in rows:
            for ref in refs.split():
                pk = _record_pk(ref)
                if pk in pks:
                    found.append(
                        ReadFact(
                            record_id=pks[pk],
                            staff_id=f"vigil-user:{actor}",
                            at=_parse_at(at),
                            source="vigil",
                            agency=agency or None,
                        )
                    )
    return found


_RECORD_REF = re.compile(r"record:(\d+)")


def _record_pk(ref: str) -> int | None:
    match = _RECORD_REF.fullmatch(ref)
    return int(match.group(1)) if match else None


def _parse_at(text: str) -> datetime:
    """The audit log's fixed-width UTC text back to an aware datetime."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _actions(record_ids: Sequence[str]) -> list[ActionFact]:
    """Current action versions whose subjects or `record_ids` name any of the records."""
    current = models.Action.objects.values("current_version")
    version_ids: set[int] = set()
    for chunk in _chunks(record_ids):
        version_ids.update(
            models.ActionSubject.objects.filter(
                record_source_id__in=chunk, action_version__in=current
            ).values_list("action_version_id", flat=True)
        )
        version_ids.update(_actions_on_records(chunk))
    found: list[ActionFact] = []
    for pk_chunk in _chunks(sorted(version_ids)):
        rows = models.ActionVersion.objects.filter(pk__in=pk_chunk).values_list(
            "action__source_id",
            "kind",
            "taken_at",
            "agency",
            "record_ids",
            "by",
            "approved_by",
            "rationale",
        )
        for source_id, kind, at, agency, on, by, approved_by, rationale in rows:
            found.append(
                ActionFact(
                    action_id=source_id,
                    kind=kind,
                    taken_at=at,
                    agency=agency,
                    record_ids=tuple(on or ()),
                    by=by,
                    approved_by=approved_by,
                    rationale=rationale,
                )
            )
    return found


def _actions_on_records(record_ids: Sequence[str]) -> Iterable[int]:
    """Current action versions whose JSON `record_ids` list holds any of `record_ids`."""
    current = models.Action.objects.values("current_version")
    if connection.vendor == "postgresql":
        # jsonb ?| matches string elements of an array.
        return models.ActionVersion.objects.filter(
            pk__in=current, record_ids__has_any_keys=list(record_ids)
        ).values_list("pk", flat=True)
    quote = connection.ops.quote_name
    versions = quote(models.ActionVersion._meta.db_table)
    actions = quote(models.Action._meta.db_table)
    marks = ", ".join(["%s"] * len(record_ids))
    sql = (
        f"SELECT DISTINCT v.{quote('id')} FROM {actions} a "
        f"JOIN {versions} v ON v.{quote('id')} = a.{quote('current_version_id')}, "
        f"json_each(v.{quote('record_ids')}) AS j WHERE j.value IN ({marks})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, list(record_ids))
        return [row[0] for row in cursor.fetchall()]


def _staff(staff_ids: Sequence[str]) -> dict[str, StaffFact]:
    found: dict[str, StaffFact] = {}
    for chunk in _chunks(staff_ids):
        rows = models.Staff.objects.filter(
            source_id__in=chunk, current_version__isnull=False
        ).values_list(
            "source_id",
            "current_version__agency",
            "current_version__name",
            "current_version__role",
            "current_version__team",
        )
        for staff_id, agency, name, role, team in rows:
            found[staff_id] = StaffFact(staff_id, agency, name, role, team)
    return found


def known_entity_ids(*, entity_ids: Sequence[str]) -> set[str]:
    """Which of `entity_ids` the latest linkage knows."""
    return {
        entity_id
        for chunk in _chunks(list(dict.fromkeys(entity_ids)))
        for entity_id in Entity.objects.filter(entity_id__in=chunk).values_list(
            "entity_id", flat=True
        )
    }
