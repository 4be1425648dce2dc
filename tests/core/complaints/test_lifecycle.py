"""The complaint lifecycle and who may take each step."""

from __future__ import annotations

import pytest

from vigil.core.complaints import (
    Act,
    ComplaintRuleError,
    Response,
    Status,
    check_can_close,
    check_may,
    check_reason,
    check_second_person,
    may,
    next_status,
    status_after_response,
)

ROLES = (
    "analyst",
    "practitioner",
    "supervisor",
    "senior_reviewer",
    "independent_reviewer",
    "auditor",
)


def test_the_happy_path_runs_from_received_to_closed() -> None:
    status = Status.RECEIVED
    for act, expected in [
        (Act.ACKNOWLEDGE, Status.ACKNOWLEDGED),
        (Act.INVESTIGATE, Status.INVESTIGATING),
        (Act.RECORD_FINDING, Status.FINDINGS_ISSUED),
        (Act.RECORD_FINDING, Status.FINDINGS_ISSUED),
    ]:
        status = next_status(status, act)
        assert status is expected
    assert status_after_response([Response.ACCEPTED, None]) is Status.FINDINGS_ISSUED
    status = status_after_response([Response.ACCEPTED, Response.REJECTED])
    assert status is Status.RESPONDED
    assert next_status(status, Act.CLOSE) is Status.CLOSED


@pytest.mark.parametrize(
    ("status", "act"),
    [
        (Status.RECEIVED, Act.INVESTIGATE),
        (Status.RECEIVED, Act.RECORD_FINDING),
        (Status.ACKNOWLEDGED, Act.RECORD_FINDING),
        (Status.INVESTIGATING, Act.RESPOND),
        (Status.FINDINGS_ISSUED, Act.CLOSE),
        (Status.RECEIVED, Act.CLOSE),
    ],
)
def test_steps_cannot_be_skipped(status: Status, act: Act) -> None:
    with pytest.raises(ComplaintRuleError, match="cannot"):
        next_status(status, act)


@pytest.mark.parametrize("act", list(Act))
def test_nothing_can_be_done_to_a_closed_complaint(act: Act) -> None:
    if act in (Act.READ, Act.SEE_IDENTITY):
        return
    with pytest.raises(ComplaintRuleError, match="closed"):
        next_status(Status.CLOSED, act)


def test_only_the_complaints_team_reviewers_and_auditors_read_complaints() -> None:
    readers = {role for role in ROLES if may(role, Act.READ)}
    assert readers == {"supervisor", "senior_reviewer", "independent_reviewer", "auditor"}
    assert not may(None, Act.READ)


def test_few_see_who_complained() -> None:
    assert {role for role in ROLES if may(role, Act.SEE_IDENTITY)} == {
        "senior_reviewer",
        "independent_reviewer",
    }


def test_auditors_change_nothing() -> None:
    changes = [act for act in Act if act not in (Act.READ, Act.SEE_IDENTITY)]
    assert not any(may("auditor", act) for act in changes)


def test_only_an_independent_reviewer_closes_escalations_and_decides_vexatious() -> None:
    for act in (Act.CLOSE_ESCALATION, Act.DECIDE_VEXATIOUS):
        assert {role for role in ROLES if may(role, act)} == {"independent_reviewer"}
    with pytest.raises(ComplaintRuleError, match="senior_reviewer may not close escalation"):
        check_may("senior_reviewer", Act.CLOSE_ESCALATION)


def test_a_reason_must_say_something() -> None:
    with pytest.raises(ComplaintRuleError, match="at least 20"):
        check_reason("  no  ")
    assert check_reason("  the evidence supports every point made  ") == (
        "the evidence supports every point made"
    )


def test_closing_needs_every_finding_answered_and_no_open_escalation() -> None:
    with pytest.raises(ComplaintRuleError, match="response"):
        check_can_close(open_escalations=0, unanswered_findings=1)
    with pytest.raises(ComplaintRuleError, match="independent reviewer"):
        check_can_close(open_escalations=1, unanswered_findings=0)
    check_can_close(open_escalations=0, unanswered_findings=0)


def test_the_proposer_cannot_also_decide() -> None:
    with pytest.raises(ComplaintRuleError, match="someone other"):
        check_second_person(proposer="7", decider="7", what="a vexatious designation")
    check_second_person(proposer="7", decider="8", what="a vexatious designation")
