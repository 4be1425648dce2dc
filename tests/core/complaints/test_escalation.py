"""Missed deadlines escalate, once each; closed complaints never do."""

from __future__ import annotations

from datetime import date

from vigil.core.complaints import (
    ActionState,
    Cause,
    ComplaintState,
    FindingState,
    Response,
    Status,
    overdue,
)

ACK_BY = date(2026, 12, 3)
FINDINGS_BY = date(2027, 1, 29)


def state(status: Status, **changes: object) -> ComplaintState:
    fields: dict[str, object] = {
        "complaint_id": 9,
        "status": status,
        "acknowledge_by": ACK_BY,
        "findings_by": FINDINGS_BY,
    }
    fields.update(changes)
    return ComplaintState(**fields)  # type: ignore[arg-type]


def causes(complaint: ComplaintState, today: date) -> list[Cause]:
    return [due.cause for due in overdue(complaint, today)]


def test_the_deadline_day_itself_is_in_time() -> None:
    assert causes(state(Status.RECEIVED), ACK_BY) == []
    assert causes(state(Status.RECEIVED), date(2026, 12, 4)) == [Cause.NOT_ACKNOWLEDGED]


def test_an_acknowledged_complaint_escalates_only_when_findings_are_late() -> None:
    assert causes(state(Status.ACKNOWLEDGED), date(2027, 1, 29)) == []
    assert causes(state(Status.INVESTIGATING), date(2027, 2, 1)) == [Cause.FINDINGS_OVERDUE]


def test_an_unanswered_finding_and_an_unfinished_action_escalate_by_their_own_keys() -> None:
    complaint = state(
        Status.FINDINGS_ISSUED,
        findings=(
            FindingState(1, date(2027, 1, 5), None),
            FindingState(2, date(2027, 1, 5), Response.ACCEPTED),
        ),
        actions=(
            ActionState(5, 2, date(2027, 1, 10), done=False),
            ActionState(6, 2, date(2027, 1, 10), done=True),
        ),
    )
    found = list(overdue(complaint, date(2027, 2, 1)))
    assert [(d.cause, d.finding_id, d.key) for d in found] == [
        (Cause.RESPONSE_OVERDUE, 1, "response_overdue:9:1"),
        (Cause.ACTION_OVERDUE, 2, "action_overdue:9:5"),
    ]


def test_a_closed_complaint_never_escalates() -> None:
    late = state(Status.CLOSED, actions=(ActionState(5, 2, date(2027, 1, 10), done=False),))
    assert causes(late, date(2030, 1, 1)) == []
