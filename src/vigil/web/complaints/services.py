"""Changing the register: intake, the steps of an investigation, escalations, vexatious.

Every function checks the rules in `vigil.core.complaints` (the lifecycle and
who may do what), makes its change in one transaction, adds a line to the
complaint's history and appends an audit entry naming the complaint, finding
or escalation by id only: never the complaint's words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from vigil.core.audit import Actor, Event, ObjectKind, ObjectRef
from vigil.core.complaints import (
    Act,
    ActionState,
    Cause,
    ComplaintRuleError,
    ComplaintState,
    Deadlines,
    FindingState,
    Outcome,
    Response,
    Status,
    check_can_close,
    check_may,
    check_reason,
    check_second_person,
    key_for,
    load_deadlines,
    new_receipt_code,
    next_status,
    overdue,
    receipt_hash,
    status_after_response,
)
from vigil.web.audit.services import audit_record, web_actor
from vigil.web.complaints import models
from vigil.web.complaints.selectors import user_role

MAX_SUMMARY = 200
MAX_TEXT = 20_000
_CHUNK = 500  # well under SQLite's bound on query parameters
_ANONYMOUS = Actor.system("complaints-intake")


@cache
def deadlines() -> Deadlines:
    """The configured deadlines, read once."""
    return load_deadlines()


@dataclass(frozen=True, slots=True)
class Intake:
    """A new complaint and its receipt code, which is shown once and never stored."""

    complaint: models.Complaint
    receipt_code: str


def _now(now: datetime | None) -> datetime:
    return now if now is not None else timezone.now()


def _today(moment: datetime) -> date:
    return timezone.localdate(moment)


def _text(value: str, what: str, limit: int = MAX_TEXT) -> str:
    cleaned = value.strip()
    if not cleaned:
        raise ComplaintRuleError(f"enter the {what}")
    if len(cleaned) > limit:
        raise ComplaintRuleError(f"the {what} must be {limit:,} characters or fewer")
    return cleaned


def _audit(actor: Actor, event: Event, refs: Sequence[ObjectRef], reason: str) -> None:
    audit_record(
        actor=actor,
        category=event.usual_category,
        event=event,
        objects=refs,
        reason=reason[:200],
    )


def _complaint_ref(complaint: models.Complaint) -> ObjectRef:
    return ObjectRef(ObjectKind.COMPLAINT, str(complaint.pk))


def _history(
    complaint: models.Complaint,
    at: datetime,
    what: str,
    *,
    by: AbstractBaseUser | None = None,
    by_label: str = "",
) -> None:
    models.ComplaintHistory.objects.create(
        complaint=complaint,
        at=at,
        by_id=by.pk if by is not None else None,
        by_label=by_label,
        what=what[:200],
    )


def _lock(complaint_id: int) -> models.Complaint:
    """The complaint, locked for this transaction so two steps cannot cross."""
    return models.Complaint.objects.select_for_update().get(pk=complaint_id)


def _authorised(user: AbstractBaseUser, act: Act) -> None:
    check_may(user_role(user=user), act)


def complaints_read_audit(
    *, user: AbstractBaseUser, complaint_ids: Sequence[int], reason: str
) -> None:
    """Logs that `user` read these complaints (a consultation), naming them by id."""
    if complaint_ids:
        _audit(
            web_actor(user),
            Event.VIEW,
            [ObjectRef(ObjectKind.COMPLAINT, str(pk)) for pk in complaint_ids],
            reason,
        )


@transaction.atomic
def complaint_intake(
    *,
    summary: str,
    details: str,
    user: AbstractBaseUser | None = None,
    about_agency: str = "",
    complainant_name: str = "",
    complainant_contact: str = "",
    recorded_for_someone_else: bool = False,
    now: datetime | None = None,
) -> Intake:
    """Registers a complaint and returns it with a receipt code for the complainant.

    Args:
        summary: One line saying what the complaint is about.
        details: What happened, in the complainant's words.
        user: The signed-in complainant (or member of staff recording it); None
            for an anonymous complaint.
        about_agency: The agency complained about, if the complainant says.
        complainant_name: A name, if the complainant chooses to give one.
        complainant_contact: How to reach them, if they choose to say.
        recorded_for_someone_else: `user` is staff writing down someone else's
            complaint (by telephone, say), not the complainant.
        now: The time of receipt (default: now).
    """
    moment = _now(now)
    code = new_receipt_code()
    hashed = receipt_hash(code)
    assert hashed is not None
    channel = (
        models.Complaint.Channel.ANONYMOUS
        if user is None
        else models.Complaint.Channel.RECORDED_BY_STAFF
        if recorded_for_someone_else
        else models.Complaint.Channel.SIGNED_IN
    )
    received_on = _today(moment)
    # The history names staff who record someone else's complaint, never the complainant.
    staff = user if channel == models.Complaint.Channel.RECORDED_BY_STAFF else None
    complaint = models.Complaint.objects.create(
        received_at=moment,
        channel=channel,
        complainant_id=user.pk
        if user is not None and channel == models.Complaint.Channel.SIGNED_IN
        else None,
        complainant_name=complainant_name.strip()[:200],
        complainant_contact=complainant_contact.strip()[:200],
        receipt_hash=hashed,
        about_agency=about_agency.strip()[:64],
        summary=_text(summary, "summary", MAX_SUMMARY),
        details=_text(details, "details"),
        acknowledge_by=deadlines().acknowledge_by(received_on),
        findings_by=deadlines().findings_by(received_on),
    )
    _history(
        complaint,
        moment,
        f"Received ({channel.label.lower()})",
        by=staff,
        by_label="" if staff else "complainant",
    )
    _audit(
        web_actor(user) if user is not None else _ANONYMOUS,
        Event.COMPLAINT_RECEIVED,
        [_complaint_ref(complaint)],
        f"complaint received: {channel.value}",
    )
    return Intake(complaint=complaint, receipt_code=code)


@transaction.atomic
def complaint_add_information(
    *, receipt_code: str, text: str, now: datetime | None = None
) -> models.Complaint:
    """Adds the complainant's further information, found by their receipt code.

    Raises:
        ComplaintRuleError: No complaint has that code (the same message whether
            the code is malformed or unknown, so codes cannot be probed).
    """
    from vigil.web.complaints.selectors import complaint_by_receipt

    found = complaint_by_receipt(receipt_code=receipt_code)
    if found is None:
        raise ComplaintRuleError("no complaint has that receipt code")
    complaint = _lock(found.pk)
    moment = _now(now)
    models.Note.objects.create(
        complaint=complaint, at=moment, from_complainant=True, text=_text(text, "information")
    )
    _history(complaint, moment, "Complainant added information", by_label="complainant")
    _audit(
        _ANONYMOUS,
        Event.COMPLAINT_TRANSITION,
        [_complaint_ref(complaint)],
        "complainant added information by receipt code",
    )
    return complaint


@transaction.atomic
def complaint_add_note(
    *, user: AbstractBaseUser, complaint_id: int, text: str, now: datetime | None = None
) -> models.Note:
    """A note by the complaints team or an independent reviewer."""
    _authorised(user, Act.ADD_NOTE)
    complaint = _lock(complaint_id)
    next_status(Status(complaint.status), Act.ADD_NOTE)
    moment = _now(now)
    note = models.Note.objects.create(
        complaint=complaint,
        at=moment,
        from_complainant=False,
        by_id=user.pk,
        text=_text(text, "note"),
    )
    _history(complaint, moment, "Note added", by=user)
    _audit(web_actor(user), Event.COMPLAINT_TRANSITION, [_complaint_ref(complaint)], "note added")
    return note


def _move(
    user: AbstractBaseUser, complaint_id: int, act: Act, what: str, now: datetime | None
) -> tuple[models.Complaint, datetime]:
    """Checks the role and the lifecycle, moves the complaint on, and records it."""
    _authorised(user, act)
    complaint = _lock(complaint_id)
    before = Status(complaint.status)
    after = next_status(before, act)
    moment = _now(now)
    complaint.status = after
    complaint.save(update_fields=["status"])
    _history(complaint, moment, what, by=user)
    moved = f"{before.value} -> {after.value}" if after is not before else before.value
    _audit(
        web_actor(user),
        Event.COMPLAINT_TRANSITION,
        [_complaint_ref(complaint)],
        f"{act.value}: {moved}",
    )
    return complaint, moment


@transaction.atomic
def complaint_acknowledge(
    *, user: AbstractBaseUser, complaint_id: int, now: datetime | None = None
) -> models.Complaint:
    """The complaints team has told the complainant it has the complaint."""
    complaint, moment = _move(user, complaint_id, Act.ACKNOWLEDGE, "Acknowledged", now)
    complaint.acknowledged_at = moment
    complaint.save(update_fields=["acknowledged_at"])
    return complaint


@transaction.atomic
def complaint_investigate(
    *, user: AbstractBaseUser, complaint_id: int, now: datetime | None = None
) -> models.Complaint:
    """An investigation has started."""
    complaint, _ = _move(user, complaint_id, Act.INVESTIGATE, "Investigation started", now)
    return complaint


@transaction.atomic
def finding_record(
    *,
    user: AbstractBaseUser,
    complaint_id: int,
    outcome: Outcome,
    reasons: str,
    now: datetime | None = None,
) -> models.Finding:
    """Records an investigation's finding, with its reasons; the response clock starts."""
    cleaned = check_reason(reasons, "finding's reasons")
    complaint, moment = _move(
        user, complaint_id, Act.RECORD_FINDING, f"Finding recorded: {Outcome(outcome).label}", now
    )
    finding = models.Finding.objects.create(
        complaint=complaint,
        outcome=Outcome(outcome),
        reasons=cleaned,
        recorded_by_id=user.pk,
        recorded_at=moment,
        response_by=deadlines().response_by(_today(moment)),
    )
    _audit(
        web_actor(user),
        Event.COMPLAINT_TRANSITION,
        [_complaint_ref(complaint), ObjectRef(ObjectKind.FINDING, str(finding.pk))],
        f"finding recorded: {finding.outcome}",
    )
    return finding


@transaction.atomic
def finding_respond(
    *,
    user: AbstractBaseUser,
    finding_id: int,
    response: Response,
    reasons: str,
    now: datetime | None = None,
) -> models.Finding:
    """The organisation accepts or rejects a finding, with reasons. A rejection escalates."""
    _authorised(user, Act.RESPOND)
    cleaned = check_reason(reasons, "response's reasons")
    finding = models.Finding.objects.select_for_update().get(pk=finding_id)
    complaint = _lock(finding.complaint_id)
    next_status(Status(complaint.status), Act.RESPOND)
    if finding.response:
        raise ComplaintRuleError("the organisation has already responded to this finding")
    moment = _now(now)
    finding.response = Response(response)
    finding.response_reasons = cleaned
    finding.responded_by_id = user.pk
    finding.responded_at = moment
    finding.save()
    answers = [
        Response(r) if r else None for r in complaint.findings.values_list("response", flat=True)
    ]
    complaint.status = status_after_response(answers)
    complaint.save(update_fields=["status"])
    refs = [_complaint_ref(complaint), ObjectRef(ObjectKind.FINDING, str(finding.pk))]
    _history(complaint, moment, f"Finding {finding.pk} {finding.response}", by=user)
    _audit(web_actor(user), Event.COMPLAINT_TRANSITION, refs, f"finding {finding.response}")
    if finding.response == Response.REJECTED:
        _escalate(complaint, finding.pk, Cause.FINDING_REJECTED, finding.pk, moment)
    return finding


@transaction.atomic
def recommendation_add(
    *, user: AbstractBaseUser, finding_id: int, text: str, now: datetime | None = None
) -> models.Recommendation:
    """A recommendation arising from a finding."""
    _authorised(user, Act.RECOMMEND)
    finding = models.Finding.objects.get(pk=finding_id)
    complaint = _lock(finding.complaint_id)
    next_status(Status(complaint.status), Act.RECOMMEND)
    moment = _now(now)
    recommendation = models.Recommendation.objects.create(
        finding=finding,
        text=_text(text, "recommendation"),
        recorded_by_id=user.pk,
        recorded_at=moment,
    )
    _history(complaint, moment, f"Recommendation added to finding {finding.pk}", by=user)
    _audit(
        web_actor(user),
        Event.COMPLAINT_TRANSITION,
        [
            _complaint_ref(complaint),
            ObjectRef(ObjectKind.RECOMMENDATION, str(recommendation.pk)),
        ],
        "recommendation added",
    )
    return recommendation


@transaction.atomic
def recommendation_respond(
    *,
    user: AbstractBaseUser,
    recommendation_id: int,
    response: Response,
    reasons: str,
    now: datetime | None = None,
) -> models.Recommendation:
    """The organisation accepts or rejects a recommendation, with reasons. A rejection escalates."""
    _authorised(user, Act.RESPOND)
    cleaned = check_reason(reasons, "response's reasons")
    recommendation = models.Recommendation.objects.select_for_update().get(pk=recommendation_id)
    finding = recommendation.finding
    complaint = _lock(finding.complaint_id)
    next_status(Status(complaint.status), Act.RECOMMEND)
    if recommendation.response:
        raise ComplaintRuleError("the organisation has already responded to this recommendation")
    moment = _now(now)
    recommendation.response = Response(response)
    recommendation.response_reasons = cleaned
    recommendation.responded_by_id = user.pk
    recommendation.responded_at = moment
    recommendation.save()
    _history(
        complaint, moment, f"Recommendation {recommendation.pk} {recommendation.response}", by=user
    )
    _audit(
        web_actor(user),
        Event.COMPLAINT_TRANSITION,
        [
            _complaint_ref(complaint),
            ObjectRef(ObjectKind.RECOMMENDATION, str(recommendation.pk)),
        ],
        f"recommendation {recommendation.response}",
    )
    if recommendation.response == Response.REJECTED:
        _escalate(complaint, finding.pk, Cause.RECOMMENDATION_REJECTED, recommendation.pk, moment)
    return recommendation


@transaction.atomic
def action_add(
    *,
    user: AbstractBaseUser,
    recommendation_id: int,
    description: str,
    due_on: date,
    now: datetime | None = None,
) -> models.RecommendationAction:
    """An action to carry out a recommendation, due by a date (missing it escalates)."""
    _authorised(user, Act.RECORD_ACTION)
    recommendation = models.Recommendation.objects.select_related("finding").get(
        pk=recommendation_id
    )
    complaint = _lock(recommendation.finding.complaint_id)
    next_status(Status(complaint.status), Act.RECORD_ACTION)
    if recommendation.response == Response.REJECTED:
        raise ComplaintRuleError(
            "the recommendation was rejected; its escalation decides what next"
        )
    moment = _now(now)
    action = models.RecommendationAction.objects.create(
        recommendation=recommendation,
        description=_text(description, "action"),
        due_on=due_on,
        recorded_by_id=user.pk,
        recorded_at=moment,
    )
    _history(complaint, moment, f"Action {action.pk} due {due_on.isoformat()}", by=user)
    _audit(
        web_actor(user),
        Event.COMPLAINT_TRANSITION,
        [
            _complaint_ref(complaint),
            ObjectRef(ObjectKind.RECOMMENDATION, str(recommendation.pk)),
        ],
        f"action {action.pk} recorded, due {due_on.isoformat()}",
    )
    return action


@transaction.atomic
def action_complete(
    *, user: AbstractBaseUser, action_id: int, note: str, now: datetime | None = None
) -> models.RecommendationAction:
    """Marks an action done, saying what was done."""
    _authorised(user, Act.RECORD_ACTION)
    action = models.RecommendationAction.objects.select_related("recommendation__finding").get(
        pk=action_id
    )
    complaint = _lock(action.recommendation.finding.complaint_id)
    if complaint.status == Status.CLOSED:
        raise ComplaintRuleError("the complaint is closed; nothing more can be done to it")
    if action.completed_at is not None:
        raise ComplaintRuleError("the action is already done")
    moment = _now(now)
    action.completed_at = moment
    action.completed_by_id = user.pk
    action.completion_note = check_reason(note, "note of what was done")
    action.save()
    _history(complaint, moment, f"Action {action.pk} done", by=user)
    _audit(
        web_actor(user),
        Event.COMPLAINT_TRANSITION,
        [
            _complaint_ref(complaint),
            ObjectRef(ObjectKind.RECOMMENDATION, str(action.recommendation_id)),
        ],
        f"action {action.pk} done",
    )
    return action


def _escalate(
    complaint: models.Complaint,
    finding_id: int | None,
    cause: Cause,
    subject_id: int | None,
    moment: datetime,
) -> models.Escalation | None:
    """Raises the escalation once; a second call for the same cause and subject does nothing."""
    key = key_for(cause, complaint.pk, subject_id)
    if models.Escalation.objects.filter(key=key).exists():
        return None
    try:
        with transaction.atomic():
            escalation = models.Escalation.objects.create(
                complaint=complaint, finding_id=finding_id, cause=cause, key=key, raised_at=moment
            )
    except IntegrityError:  # raised at the same moment by another check
        return None
    _history(complaint, moment, f"Escalated: {cause.label}", by_label="vigil")
    refs = [_complaint_ref(complaint), ObjectRef(ObjectKind.ESCALATION, str(escalation.pk))]
    _audit(Actor.system("complaints"), Event.COMPLAINT_TRANSITION, refs, f"escalated: {cause}")
    return escalation


def escalations_raise_overdue(*, now: datetime | None = None) -> list[models.Escalation]:
    """Escalates every missed deadline not yet escalated; returns the new escalations.

    Safe to run at any time and as often as wanted: each cause is raised once.
    """
    moment = _now(now)
    today = _today(moment)
    dues = [due for state in _open_states() for due in overdue(state, today)]
    keys = [due.key for due in dues]
    # Raised before: one query a chunk, so a sweep with nothing new stays quick.
    known = {
        key
        for start in range(0, len(keys), _CHUNK)
        for key in models.Escalation.objects.filter(
            key__in=keys[start : start + _CHUNK]
        ).values_list("key", flat=True)
    }
    raised: list[models.Escalation] = []
    for due in dues:
        if due.key in known:
            continue
        with transaction.atomic():
            complaint = _lock(due.complaint_id)
            subject = _subject_of(due.key)
            escalation = _escalate(complaint, due.finding_id, due.cause, subject, moment)
        if escalation is not None:
            raised.append(escalation)
    return raised


def _subject_of(key: str) -> int | None:
    parts = key.split(":")
    return int(parts[2]) if len(parts) > 2 else None


def _open_states() -> list[ComplaintState]:
    """Every complaint not closed, as the overdue check sees it."""
    complaints = list(
        models.Complaint.objects.exclude(status=Status.CLOSED).values_list(
            "pk", "status", "acknowledge_by", "findings_by"
        )
    )
    ids = [row[0] for row in complaints]
    findings: dict[int, list[FindingState]] = {}
    for pk, complaint_id, by, response in models.Finding.objects.filter(
        complaint_id__in=ids
    ).values_list("pk", "complaint_id", "response_by", "response"):
        findings.setdefault(complaint_id, []).append(
            FindingState(pk, by, Response(response) if response else None)
        )
    actions: dict[int, list[ActionState]] = {}
    for pk, complaint_id, finding_id, due_on, done_at in models.RecommendationAction.objects.filter(
        recommendation__finding__complaint_id__in=ids
    ).values_list(
        "pk",
        "recommendation__finding__complaint_id",
        "recommendation__finding_id",
        "due_on",
        "completed_at",
    ):
        actions.setdefault(complaint_id, []).append(
            ActionState(pk, finding_id, due_on, done_at is not None)
        )
    return [
        ComplaintState(
            complaint_id=pk,
            status=Status(status),
            acknowledge_by=ack_by,
            findings_by=findings_by,
            findings=tuple(findings.get(pk, ())),
            actions=tuple(actions.get(pk, ())),
        )
        for pk, status, ack_by, findings_by in complaints
    ]


@transaction.atomic
def escalation_close(
    *, user: AbstractBaseUser, escalation_id: int, reason: str, now: datetime | None = None
) -> models.Escalation:
    """An independent reviewer closes an escalation, with a recorded reason.

    The reviewer may not be the person whose rejection or finding is in question.
    """
    _authorised(user, Act.CLOSE_ESCALATION)
    cleaned = check_reason(reason, "reason for closing")
    escalation = models.Escalation.objects.select_for_update().get(pk=escalation_id)
    if escalation.closed_at is not None:
        raise ComplaintRuleError("the escalation is already closed")
    if escalation.finding_id is not None:
        finding = models.Finding.objects.get(pk=escalation.finding_id)
        involved = {finding.recorded_by_id, finding.responded_by_id}
        if user.pk in involved:
            raise ComplaintRuleError(
                "an escalation is closed by a reviewer who took no part in what it is about"
            )
    moment = _now(now)
    escalation.closed_at = moment
    escalation.closed_by_id = user.pk
    escalation.close_reason = cleaned
    escalation.save()
    complaint = _lock(escalation.complaint_id)
    _history(complaint, moment, f"Escalation {escalation.pk} closed by independent review", by=user)
    _audit(
        web_actor(user),
        Event.COMPLAINT_TRANSITION,
        [_complaint_ref(complaint), ObjectRef(ObjectKind.ESCALATION, str(escalation.pk))],
        f"escalation closed: {escalation.cause}",
    )
    return escalation


@transaction.atomic
def complaint_close(
    *, user: AbstractBaseUser, complaint_id: int, reason: str, now: datetime | None = None
) -> models.Complaint:
    """Closes a complaint: every finding answered, no escalation open, and a reason."""
    _authorised(user, Act.CLOSE)
    cleaned = check_reason(reason, "reason for closing")
    complaint = _lock(complaint_id)
    check_can_close(
        open_escalations=complaint.escalations.filter(closed_at__isnull=True).count(),
        unanswered_findings=complaint.findings.filter(response="").count(),
    )
    complaint, moment = _move(user, complaint_id, Act.CLOSE, "Closed", now)
    complaint.closed_at = moment
    complaint.close_reason = cleaned
    complaint.save(update_fields=["closed_at", "close_reason"])
    return complaint


@transaction.atomic
def vexatious_propose(
    *, user: AbstractBaseUser, complaint_id: int, reason: str, now: datetime | None = None
) -> models.VexatiousDesignation:
    """Proposes that the complainant be treated as vexatious. It has no effect until an
    independent reviewer approves it."""
    _authorised(user, Act.PROPOSE_VEXATIOUS)
    cleaned = check_reason(reason, "reason")
    complaint = _lock(complaint_id)
    if complaint.status == Status.CLOSED:
        raise ComplaintRuleError("the complaint is closed; nothing more can be done to it")
    if complaint.vexatious_designations.filter(approved__isnull=True).exists():
        raise ComplaintRuleError("a proposal is already waiting for an independent reviewer")
    moment = _now(now)
    proposal = models.VexatiousDesignation.objects.create(
        complaint=complaint, proposed_by_id=user.pk, proposed_at=moment, reason=cleaned
    )
    _history(complaint, moment, "Proposed: treat the complainant as vexatious", by=user)
    _audit(
        web_actor(user),
        Event.COMPLAINT_TRANSITION,
        [_complaint_ref(complaint)],
        f"vexatious designation {proposal.pk} proposed",
    )
    return proposal


@transaction.atomic
def vexatious_decide(
    *,
    user: AbstractBaseUser,
    designation_id: int,
    approve: bool,
    reason: str,
    now: datetime | None = None,
) -> models.VexatiousDesignation:
    """An independent reviewer, not the proposer, approves or refuses a vexatious designation."""
    _authorised(user, Act.DECIDE_VEXATIOUS)
    cleaned = check_reason(reason, "reason for the decision")
    proposal = models.VexatiousDesignation.objects.select_for_update().get(pk=designation_id)
    check_second_person(
        proposer=str(proposal.proposed_by_id), decider=str(user.pk), what="a vexatious designation"
    )
    if proposal.approved is not None:
        raise ComplaintRuleError("the proposal has already been decided")
    complaint = _lock(proposal.complaint_id)
    moment = _now(now)
    proposal.approved = approve
    proposal.decided_by_id = user.pk
    proposal.decided_at = moment
    proposal.decision_reason = cleaned
    proposal.save()
    verdict = "approved" if approve else "refused"
    _history(complaint, moment, f"Vexatious designation {verdict} by independent review", by=user)
    _audit(
        web_actor(user),
        Event.COMPLAINT_TRANSITION,
        [_complaint_ref(complaint)],
        f"vexatious designation {proposal.pk} {verdict}",
    )
    return proposal
