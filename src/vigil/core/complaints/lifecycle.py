"""Where a complaint is, what may happen next, and who may make it happen.

    received → acknowledged → investigating → findings_issued → responded → closed

Findings are upheld, partly upheld or not upheld, with reasons; the
organisation accepts or rejects each, with reasons. Nothing is deleted and
nothing closes quietly: a complaint closes only once every finding has a
response and no escalation is open, and every step names who took it and why.
"""

from __future__ import annotations

from enum import StrEnum

MIN_REASON_CHARS = 20
"""A reason shorter than this is not a reason ("no", "n/a", "see file")."""


class ComplaintRuleError(ValueError):
    """A step the complaint's lifecycle or the rules on who may act do not allow."""


class Status(StrEnum):
    """Where a complaint is in its lifecycle."""

    RECEIVED = "received"
    ACKNOWLEDGED = "acknowledged"
    INVESTIGATING = "investigating"
    FINDINGS_ISSUED = "findings_issued"
    RESPONDED = "responded"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class Outcome(StrEnum):
    """What an investigation found."""

    UPHELD = "upheld"
    PARTLY_UPHELD = "partly_upheld"
    NOT_UPHELD = "not_upheld"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class Response(StrEnum):
    """The organisation's answer to a finding or a recommendation."""

    ACCEPTED = "accepted"
    REJECTED = "rejected"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Act(StrEnum):
    """Something a person does to a complaint."""

    READ = "read"
    SEE_IDENTITY = "see_identity"
    ACKNOWLEDGE = "acknowledge"
    INVESTIGATE = "investigate"
    RECORD_FINDING = "record_finding"
    RESPOND = "respond"
    RECOMMEND = "recommend"
    RECORD_ACTION = "record_action"
    ADD_NOTE = "add_note"
    PROPOSE_VEXATIOUS = "propose_vexatious"
    DECIDE_VEXATIOUS = "decide_vexatious"
    CLOSE_ESCALATION = "close_escalation"
    CLOSE = "close"


# Roles (vigil.web.accounts.models.Role values) by what they do with complaints.
# Supervisors run the complaints team; senior reviewers answer for the
# organisation; independent reviewers stand outside the line of management;
# auditors (inquiry, watchdog) read everything but change nothing.
_HANDLERS = frozenset({"supervisor", "senior_reviewer"})
_READERS = _HANDLERS | {"independent_reviewer", "auditor"}
_ALLOWED: dict[Act, frozenset[str]] = {
    Act.READ: _READERS,
    # Who the complainant is: only those who must contact them or judge them.
    Act.SEE_IDENTITY: frozenset({"senior_reviewer", "independent_reviewer"}),
    Act.ACKNOWLEDGE: _HANDLERS,
    Act.INVESTIGATE: _HANDLERS,
    Act.RECORD_FINDING: _HANDLERS | {"independent_reviewer"},
    Act.RESPOND: frozenset({"senior_reviewer"}),
    Act.RECOMMEND: _HANDLERS | {"independent_reviewer"},
    Act.RECORD_ACTION: _HANDLERS,
    Act.ADD_NOTE: _HANDLERS | {"independent_reviewer"},
    Act.PROPOSE_VEXATIOUS: _HANDLERS,
    Act.DECIDE_VEXATIOUS: frozenset({"independent_reviewer"}),
    Act.CLOSE_ESCALATION: frozenset({"independent_reviewer"}),
    Act.CLOSE: frozenset({"senior_reviewer"}),
}

# The status a step needs, and the status it leaves (None: unchanged).
_STEPS: dict[Act, tuple[frozenset[Status], Status | None]] = {
    Act.ACKNOWLEDGE: (frozenset({Status.RECEIVED}), Status.ACKNOWLEDGED),
    Act.INVESTIGATE: (frozenset({Status.ACKNOWLEDGED}), Status.INVESTIGATING),
    Act.RECORD_FINDING: (
        frozenset({Status.INVESTIGATING, Status.FINDINGS_ISSUED}),
        Status.FINDINGS_ISSUED,
    ),
    Act.RESPOND: (frozenset({Status.FINDINGS_ISSUED}), None),
    Act.RECOMMEND: (frozenset({Status.FINDINGS_ISSUED, Status.RESPONDED}), None),
    Act.RECORD_ACTION: (frozenset({Status.FINDINGS_ISSUED, Status.RESPONDED}), None),
    Act.CLOSE: (frozenset({Status.RESPONDED}), Status.CLOSED),
}


def may(role: str | None, act: Act) -> bool:
    """Whether someone in `role` may do `act` to a complaint."""
    return role is not None and role in _ALLOWED[act]


def roles_that_may(act: Act) -> frozenset[str]:
    """Every role allowed to do `act`."""
    return _ALLOWED[act]


def check_may(role: str | None, act: Act) -> None:
    """Raises `ComplaintRuleError` unless `role` may do `act`."""
    if not may(role, act):
        raise ComplaintRuleError(
            f"a {role or 'user with no role'} may not {act.value.replace('_', ' ')}"
        )


def next_status(status: Status, act: Act) -> Status:
    """The status after `act`, or `ComplaintRuleError` when `act` is not allowed from `status`."""
    if status is Status.CLOSED:
        raise ComplaintRuleError("the complaint is closed; nothing more can be done to it")
    step = _STEPS.get(act)
    if step is None:
        return status
    allowed_from, after = step
    if status not in allowed_from:
        raise ComplaintRuleError(
            f"cannot {act.value.replace('_', ' ')} a complaint that is {status.label.lower()}"
        )
    return after or status


def check_reason(reason: str, what: str = "reason") -> str:
    """The reason, stripped; `ComplaintRuleError` when it is too short to be one."""
    cleaned = reason.strip()
    if len(cleaned) < MIN_REASON_CHARS:
        raise ComplaintRuleError(f"write a {what} of at least {MIN_REASON_CHARS} characters")
    return cleaned


def status_after_response(responses: list[Response | None]) -> Status:
    """A complaint's status once a finding has been answered: responded when all are."""
    if responses and all(response is not None for response in responses):
        return Status.RESPONDED
    return Status.FINDINGS_ISSUED


def check_can_close(*, open_escalations: int, unanswered_findings: int) -> None:
    """A complaint closes only when nothing about it is still open."""
    if unanswered_findings:
        raise ComplaintRuleError("every finding needs the organisation's response first")
    if open_escalations:
        raise ComplaintRuleError(
            "an escalation is open; only an independent reviewer can close it, first"
        )


def check_second_person(*, proposer: str | None, decider: str, what: str) -> None:
    """Four eyes: the person who decides is not the person who proposed."""
    if proposer is not None and proposer == decider:
        raise ComplaintRuleError(f"{what} needs someone other than the person who proposed it")
