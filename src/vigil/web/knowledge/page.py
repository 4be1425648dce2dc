"""The knowledge page: who knew what, when, limited to the records the reader may read.

The chronology and its summary are built only from records the reader may
read (vigil.web.records.access), so neither the timeline nor the figures
(when an agency first knew, how many professionals knew, the gap to action)
tell them anything a withheld record holds; they are told how many entries
were withheld. Each page is logged as a consultation of the entities.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from django.utils import timezone

from vigil.core.audit import Category, Event, ObjectKind, ObjectRef
from vigil.core.knowledge import (
    KnowledgeEvent,
    KnowledgeFacts,
    KnowledgeSummary,
    build_chronology,
    summarise,
)
from vigil.web.audit.services import audit_record, web_actor
from vigil.web.knowledge.selectors import knowledge_facts, known_entity_ids
from vigil.web.records import access

# An audit entry names at most this many entities; a network is rarely larger.
ENTITIES_LOGGED = 200


@dataclass(frozen=True, slots=True)
class KnowledgePage:
    """What the reader may see of one entity's or network's chronology."""

    entity_ids: tuple[str, ...]
    unknown: tuple[str, ...]
    chronology: list[KnowledgeEvent]
    summary: KnowledgeSummary
    withheld_events: int
    withheld_records: int


def visible_facts(facts: KnowledgeFacts, visible: set[str]) -> KnowledgeFacts:
    """The facts with every record outside `visible` taken out, and what hangs on it.

    A read counts only if its record is visible; an action only if every record
    it names is (one naming none counts only when every record is visible,
    since it may concern any of them).
    """
    all_visible = all(record.record_id in visible for record in facts.records)

    def action_visible(record_ids: Sequence[str]) -> bool:
        return all(r in visible for r in record_ids) if record_ids else all_visible

    return replace(
        facts,
        records=tuple(r for r in facts.records if r.record_id in visible),
        reads=tuple(r for r in facts.reads if r.record_id in visible),
        actions=tuple(a for a in facts.actions if action_visible(a.record_ids)),
    )


def knowledge_page_build(
    *, user: Any, entity_ids: Sequence[str], now: datetime | None = None
) -> KnowledgePage | None:
    """The chronology and summary of `entity_ids` as `user` may see them; None if none is known.

    Args:
        user: The signed-in reader.
        entity_ids: One entity, or the entities of a network or an alert.
        now: Where the gap of a never-acted-on entity runs to (default: now).
    """
    wanted = list(dict.fromkeys(entity_ids))
    known = known_entity_ids(entity_ids=wanted)
    if not known:
        return None
    ids = [entity_id for entity_id in wanted if entity_id in known]
    facts = knowledge_facts(entity_ids=ids)
    mentioned = {r.record_id for r in facts.records}
    mentioned.update(read.record_id for read in facts.reads)
    mentioned.update(r for action in facts.actions for r in action.record_ids)
    visible = access.visible_source_ids(user, mentioned)
    shown = visible_facts(facts, visible)
    everything = build_chronology(facts)
    chronology = build_chronology(shown)
    summary = summarise(shown, chronology, now=now if now is not None else timezone.now())
    withheld_events = len(everything) - len(chronology)
    withheld_records = len(facts.records) - len(shown.records)
    logged = ids[:ENTITIES_LOGGED]
    more = f", first {len(logged)} named" if len(ids) > len(logged) else ""
    audit_record(
        actor=web_actor(user),
        category=Category.CONSULTATION,
        event=Event.VIEW,
        objects=[ObjectRef(ObjectKind.ENTITY, entity_id) for entity_id in logged],
        reason=(
            f"knowledge page: {len(ids)} entities{more}, {len(shown.records)} records, "
            f"{len(chronology)} events, {withheld_events} withheld"
        )[:200],
    )
    return KnowledgePage(
        entity_ids=tuple(ids),
        unknown=tuple(entity_id for entity_id in wanted if entity_id not in known),
        chronology=chronology,
        summary=summary,
        withheld_events=withheld_events,
        withheld_records=withheld_records,
    )
