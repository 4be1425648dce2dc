"""The questions an inquiry asks of a chronology, answered in figures.

When did each agency first know? How many professionals knew? How often was
it decided to take no further action, by whom, and was a reason written? When
was something first done, and how long after the first knowledge?
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from vigil.core.knowledge.chronology import NO_FURTHER_ACTION, KnowledgeEvent
from vigil.core.knowledge.facts import KnowledgeFacts

QUALIFYING_ACTIONS = frozenset(
    {
        "investigation_opened",
        "arrest",
        "charge",
        "conviction",
        "disruption_notice",
        "safeguarding_plan",
        "strategy_meeting",
    }
)
"""Action kinds that count as acting on what was known (callers may choose others)."""


@dataclass(frozen=True, slots=True)
class NoFurtherAction:
    """Decisions of no further action: how many, by whom, with or without a reason."""

    count: int
    deciders: tuple[str, ...]
    with_rationale: int
    without_rationale: int


@dataclass(frozen=True, slots=True)
class FirstAction:
    """The earliest qualifying action."""

    action_id: str
    kind: str
    when: datetime
    agency: str
    by: str | None


@dataclass(frozen=True, slots=True)
class KnowledgeSummary:
    """What the chronology of one entity or network adds up to.

    Attributes:
        entity_ids: What the summary is about.
        first_knowledge: The earliest knowledge event (None: nothing known).
        agencies_first_knew: Each agency and when it first knew, earliest first.
        professionals: How many distinct professionals knew (each counted once).
        professionals_by_agency: The same, per agency (staff of no known agency
            are under "unknown").
        no_further_action: Decisions of no further action.
        qualifying: The action kinds that counted as acting.
        first_action: The earliest qualifying action (None: never acted on).
        gap_days: Whole days from first knowledge to first action; with no
            action, to `now` when one was given, else None.
        gap_until_now: True when `gap_days` runs to `now` because nothing was done.
    """

    entity_ids: tuple[str, ...]
    first_knowledge: datetime | None
    agencies_first_knew: dict[str, datetime]
    professionals: int
    professionals_by_agency: dict[str, int]
    no_further_action: NoFurtherAction
    qualifying: tuple[str, ...]
    first_action: FirstAction | None
    gap_days: int | None
    gap_until_now: bool


def summarise(
    facts: KnowledgeFacts,
    events: Sequence[KnowledgeEvent],
    *,
    qualifying: Iterable[str] = QUALIFYING_ACTIONS,
    now: datetime | None = None,
) -> KnowledgeSummary:
    """Sums up a chronology.

    Args:
        facts: The facts the chronology was built from (actions are counted
            from them, so an approval is not a second decision).
        events: The chronology, from `build_chronology(facts)`.
        qualifying: Action kinds that count as acting on the knowledge.
        now: When the gap of a never-acted-on entity is measured to; None
            leaves that gap unknown.

    Returns:
        The summary.
    """
    kinds = frozenset(qualifying)
    first_knowledge = min((event.when for event in events), default=None)
    first_knew: dict[str, datetime] = {}
    staff_agency: dict[str, str] = {}
    for event in sorted(events, key=KnowledgeEvent.sort_key):
        if event.agency is not None:
            first_knew.setdefault(event.agency, event.when)
        if event.staff is not None and event.staff not in staff_agency:
            known = facts.staff.get(event.staff)
            staff_agency[event.staff] = known.agency if known else event.agency or "unknown"
    by_agency: dict[str, int] = {}
    for agency in staff_agency.values():
        by_agency[agency] = by_agency.get(agency, 0) + 1
    first = min(
        (action for action in facts.actions if action.kind in kinds),
        key=lambda action: (action.taken_at, action.action_id),
        default=None,
    )
    first_action = (
        FirstAction(first.action_id, first.kind, first.taken_at, first.agency, first.by)
        if first
        else None
    )
    until = first_action.when if first_action else now
    gap = (until - first_knowledge).days if until and first_knowledge else None
    return KnowledgeSummary(
        entity_ids=facts.entity_ids,
        first_knowledge=first_knowledge,
        agencies_first_knew=first_knew,
        professionals=len(staff_agency),
        professionals_by_agency=dict(sorted(by_agency.items())),
        no_further_action=_no_further_action(facts),
        qualifying=tuple(sorted(kinds)),
        first_action=first_action,
        gap_days=gap,
        gap_until_now=first_action is None and gap is not None,
    )


def _no_further_action(facts: KnowledgeFacts) -> NoFurtherAction:
    decisions = [action for action in facts.actions if action.kind == NO_FURTHER_ACTION]
    reasoned = sum(1 for action in decisions if action.rationale and action.rationale.strip())
    deciders = sorted({action.by for action in decisions if action.by})
    return NoFurtherAction(
        count=len(decisions),
        deciders=tuple(deciders),
        with_rationale=reasoned,
        without_rationale=len(decisions) - reasoned,
    )
