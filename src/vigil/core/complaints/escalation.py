"""When a complaint or finding escalates: a deadline missed, or findings rejected.

An escalation is raised once for each cause and stays open, on the
dashboard, until an independent reviewer closes it with a recorded reason.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from vigil.core.complaints.lifecycle import Response, Status


class Cause(StrEnum):
    """Why something escalated."""

    NOT_ACKNOWLEDGED = "not_acknowledged"
    FINDINGS_OVERDUE = "findings_overdue"
    RESPONSE_OVERDUE = "response_overdue"
    FINDING_REJECTED = "finding_rejected"
    RECOMMENDATION_REJECTED = "recommendation_rejected"
    ACTION_OVERDUE = "action_overdue"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Cause.NOT_ACKNOWLEDGED: "Not acknowledged in time",
    Cause.FINDINGS_OVERDUE: "Findings overdue",
    Cause.RESPONSE_OVERDUE: "Response to a finding overdue",
    Cause.FINDING_REJECTED: "Finding rejected by the organisation",
    Cause.RECOMMENDATION_REJECTED: "Recommendation rejected by the organisation",
    Cause.ACTION_OVERDUE: "Action on a recommendation overdue",
}


@dataclass(frozen=True, slots=True)
class FindingState:
    """What the overdue check needs to know of a finding."""

    finding_id: int
    response_by: date
    response: Response | None


@dataclass(frozen=True, slots=True)
class ActionState:
    """What the overdue check needs to know of an action on a recommendation."""

    action_id: int
    finding_id: int
    due_on: date
    done: bool


@dataclass(frozen=True, slots=True)
class ComplaintState:
    """What the overdue check needs to know of a complaint."""

    complaint_id: int
    status: Status
    acknowledge_by: date
    findings_by: date
    findings: tuple[FindingState, ...] = ()
    actions: tuple[ActionState, ...] = ()


@dataclass(frozen=True, slots=True)
class Due:
    """An escalation that should exist: its cause, and the finding it concerns, if any.

    `key` names it uniquely, so it is raised once however often the check runs.
    """

    cause: Cause
    complaint_id: int
    finding_id: int | None
    key: str


def key_for(cause: Cause, complaint_id: int, subject_id: int | None = None) -> str:
    """The unique name of an escalation (subject: a finding, recommendation or action)."""
    tail = f":{subject_id}" if subject_id is not None else ""
    return f"{cause.value}:{complaint_id}{tail}"


def overdue(state: ComplaintState, today: date) -> Iterator[Due]:
    """The deadlines `state` has missed as of `today` (a deadline day itself is in time)."""
    if state.status is Status.CLOSED:
        return
    cid = state.complaint_id
    if state.status is Status.RECEIVED and today > state.acknowledge_by:
        yield Due(Cause.NOT_ACKNOWLEDGED, cid, None, key_for(Cause.NOT_ACKNOWLEDGED, cid))
    if (
        state.status in (Status.RECEIVED, Status.ACKNOWLEDGED, Status.INVESTIGATING)
        and today > state.findings_by
    ):
        yield Due(Cause.FINDINGS_OVERDUE, cid, None, key_for(Cause.FINDINGS_OVERDUE, cid))
    for finding in state.findings:
        if finding.response is None and today > finding.response_by:
            key = key_for(Cause.RESPONSE_OVERDUE, cid, finding.finding_id)
            yield Due(Cause.RESPONSE_OVERDUE, cid, finding.finding_id, key)
    for action in state.actions:
        if not action.done and today > action.due_on:
            key = key_for(Cause.ACTION_OVERDUE, cid, action.action_id)
            yield Due(Cause.ACTION_OVERDUE, cid, action.finding_id, key)
