"""Building a knowledge report for someone, and logging that they consulted it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from vigil.core.audit import Actor, Category, Event, ObjectKind, ObjectRef
from vigil.core.knowledge import (
    QUALIFYING_ACTIONS,
    KnowledgeEvent,
    KnowledgeFacts,
    KnowledgeSummary,
    build_chronology,
    summarise,
)
from vigil.web.audit.services import audit_record
from vigil.web.knowledge.selectors import knowledge_facts


@dataclass(frozen=True, slots=True)
class KnowledgeReport:
    """The facts gathered, the chronology built from them, and its summary."""

    facts: KnowledgeFacts
    chronology: list[KnowledgeEvent]
    summary: KnowledgeSummary


def knowledge_report_build(
    *,
    entity_ids: Sequence[str],
    actor: Actor,
    event: Event = Event.VIEW,
    qualifying: Iterable[str] = QUALIFYING_ACTIONS,
    now: datetime | None = None,
) -> KnowledgeReport:
    """Builds the who-knew-what-when report and logs it as a consultation.

    Args:
        entity_ids: One entity, or every entity of a network.
        actor: Who asked for it.
        event: `Event.VIEW` when shown, `Event.EXPORT` when written out.
        qualifying: Action kinds that count as acting on the knowledge.
        now: Where the gap of a never-acted-on entity runs to (default: now).
    """
    facts = knowledge_facts(entity_ids=entity_ids)
    chronology = build_chronology(facts)
    summary = summarise(
        facts, chronology, qualifying=qualifying, now=now if now is not None else timezone.now()
    )
    audit_record(
        actor=actor,
        category=Category.CONSULTATION,
        event=event,
        objects=[ObjectRef(ObjectKind.ENTITY, entity_id) for entity_id in facts.entity_ids],
        reason=(f"knowledge report: {len(facts.records)} records, {len(chronology)} events")[:200],
    )
    return KnowledgeReport(facts=facts, chronology=chronology, summary=summary)
