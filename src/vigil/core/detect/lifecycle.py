"""An alert's lifecycle, in plain Python: its states, who may move it, and when it escalates.

    open → assigned → action_recorded
    open | assigned → nfa_pending (a written rationale) → closed (a second, more senior person)
    nfa_pending → assigned (the senior sends it back)
    closed | action_recorded → open | assigned (new evidence: reopened, and says why)

Escalation: an alert nobody owns past its SLA goes to a supervisor; a subject
dismissed (no further action approved) twice goes to a senior reviewer, whose
approval is then needed for any further no-further-action decision about it.
The web layer stores alerts and enforces these rules through this module.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml

from vigil.core.detect.config import DEFAULT_CONFIG


class Status(StrEnum):
    """Where an alert is in its lifecycle."""

    OPEN = "open"
    ASSIGNED = "assigned"
    ACTION_RECORDED = "action_recorded"
    NFA_PENDING = "nfa_pending"  # no further action proposed, awaiting a senior's approval
    CLOSED = "closed"


# Which states each state may move to.
TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.OPEN: frozenset({Status.ASSIGNED, Status.NFA_PENDING}),
    Status.ASSIGNED: frozenset({Status.ASSIGNED, Status.ACTION_RECORDED, Status.NFA_PENDING}),
    Status.NFA_PENDING: frozenset({Status.CLOSED, Status.ASSIGNED}),
    Status.ACTION_RECORDED: frozenset({Status.OPEN, Status.ASSIGNED}),
    Status.CLOSED: frozenset({Status.OPEN, Status.ASSIGNED}),
}
# States an alert is finished with until new evidence reopens it.
DONE = frozenset({Status.ACTION_RECORDED, Status.CLOSED})

SUPERVISOR = "supervisor"
SENIOR_REVIEWER = "senior_reviewer"
# How senior each role is, for "a second, more senior person".
SENIORITY: dict[str, int] = {
    "analyst": 1,
    "practitioner": 1,
    SUPERVISOR: 2,
    SENIOR_REVIEWER: 3,
}


class LifecycleError(ValueError):
    """A transition the lifecycle does not allow."""


def check_transition(before: str, after: str) -> None:
    """Raises LifecycleError when an alert in `before` may not become `after`."""
    if Status(after) not in TRANSITIONS[Status(before)]:
        raise LifecycleError(f"an alert that is {before} cannot become {after}")


@dataclass(frozen=True, slots=True)
class LifecycleSettings:
    """The lifecycle's thresholds.

    Attributes:
        unowned_sla_days: Days an alert may stay open with no owner before a supervisor is told.
        dismissals_before_senior_review: Approved no-further-action decisions about one
            subject after which a senior reviewer must approve any further one.
        min_rationale_chars: The shortest written rationale for no further action.
    """

    unowned_sla_days: int = 7
    dismissals_before_senior_review: int = 2
    min_rationale_chars: int = 20


def load_lifecycle(path: Path = DEFAULT_CONFIG) -> LifecycleSettings:
    """The `lifecycle:` section of the detection config, with defaults for what it omits."""
    raw: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    section: dict[str, Any] = raw.get("lifecycle") or {}
    default = LifecycleSettings()
    return LifecycleSettings(
        unowned_sla_days=int(section.get("unowned_sla_days", default.unowned_sla_days)),
        dismissals_before_senior_review=int(
            section.get("dismissals_before_senior_review", default.dismissals_before_senior_review)
        ),
        min_rationale_chars=int(section.get("min_rationale_chars", default.min_rationale_chars)),
    )


def unowned_past_sla(
    *,
    status: str,
    owned: bool,
    open_since: datetime,
    now: datetime,
    settings: LifecycleSettings,
) -> bool:
    """True when an alert is open, has no owner, and has been so longer than its SLA."""
    return (
        status == Status.OPEN
        and not owned
        and now - open_since > timedelta(days=settings.unowned_sla_days)
    )


def needs_senior_reviewer(
    subject_ids: Iterable[str], dismissals: Mapping[str, int], settings: LifecycleSettings
) -> list[str]:
    """The subjects already dismissed often enough that a senior reviewer must approve more."""
    least = settings.dismissals_before_senior_review
    return sorted(s for s in subject_ids if dismissals.get(s, 0) >= least)


def may_approve_no_further_action(
    *,
    approver_role: str,
    approver_is_proposer: bool,
    proposer_role: str,
    senior_review_needed: bool,
) -> str | None:
    """Why the approver may not approve a no-further-action decision, or None if they may.

    Four eyes: someone other than the proposer, at least a supervisor and more
    senior than the proposer; a senior reviewer when the subject was already
    dismissed too often.
    """
    if approver_is_proposer:
        return "the person who proposed no further action cannot approve it"
    if senior_review_needed and approver_role != SENIOR_REVIEWER:
        return (
            "this subject has already been dismissed: a senior reviewer must approve "
            "any further no-further-action decision"
        )
    rank = SENIORITY.get(approver_role, 0)
    if rank < SENIORITY[SUPERVISOR]:
        return "no further action must be approved by a supervisor or a senior reviewer"
    if rank <= SENIORITY.get(proposer_role, 0):
        return "no further action must be approved by someone more senior than the proposer"
    return None


def reopen_reason(
    *, status: str, known_records: Collection[str], found_records: Iterable[str]
) -> str | None:
    """Why a finished alert reopens when its rule fires again, or None when it does not.

    Only new records reopen it: the same evidence found again changes nothing.
    """
    if status not in DONE:
        return None
    new = sorted(set(found_records) - set(known_records))
    if not new:
        return None
    word = "record" if len(new) == 1 else "records"
    was = "closed" if status == Status.CLOSED else "actioned"
    return f"reopened: {len(new)} new {word} since it was {was} ({', '.join(new[:10])})" + (
        ", ..." if len(new) > 10 else ""
    )


def reopened_status(*, owned: bool) -> Status:
    """A reopened alert goes back to its owner, or to the open queue if it had none."""
    return Status.ASSIGNED if owned else Status.OPEN
