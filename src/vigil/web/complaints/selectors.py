"""Reading the register, for those who may.

Complaints are sensitive: only the complaints team (supervisors, senior
reviewers), independent reviewers and auditors read them, and only senior and
independent reviewers see who complained. A signed-in complainant sees the
status of their own complaints; an anonymous one, by receipt code, sees the
status of theirs and nothing else. Each function checks before it reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from vigil.core.audit import Category, Event, ObjectKind, ObjectRef
from vigil.core.complaints import Act, Status, may, receipt_hash
from vigil.web.accounts.models import Profile
from vigil.web.complaints import models

User = AbstractBaseUser | AnonymousUser

SORTS = {
    "newest": ("-received_at", "-id"),
    "oldest": ("received_at", "id"),
    "findings_due": ("findings_by", "id"),
    "status": ("status", "-received_at"),
}


class ComplaintAccessDenied(PermissionDenied):
    """The user's role does not let them do this; the refusal is in the audit log."""


def user_role(*, user: User) -> str | None:
    """The user's role, or None (no profile, or not signed in)."""
    if not user.is_authenticated:
        return None
    role: str | None = (
        Profile.objects.filter(user_id=user.pk).values_list("role", flat=True).first()
    )
    return role


def check_allowed(*, user: User, act: Act, complaint_id: int | None = None) -> str:
    """The user's role when it allows `act`; else logs the refusal and raises."""
    role = user_role(user=user)
    if may(role, act):
        assert role is not None
        return role
    if user.is_authenticated:
        from vigil.web.audit.services import audit_record, web_actor

        refs = [ObjectRef(ObjectKind.COMPLAINT, str(complaint_id))] if complaint_id else []
        audit_record(
            actor=web_actor(user),
            category=Category.CONSULTATION,
            event=Event.ACCESS_DENIED,
            objects=refs or [ObjectRef(ObjectKind.USER, str(user.pk))],
            reason=f"complaints: {act.value} refused to role {role or 'none'}",
        )
    raise ComplaintAccessDenied(f"your role may not {act.value.replace('_', ' ')}")


def _open_escalations() -> Exists:
    return Exists(
        models.Escalation.objects.filter(complaint=OuterRef("pk"), closed_at__isnull=True)
    )


def complaints_query(
    *,
    user: User,
    status: str | None = None,
    escalated: bool = False,
    overdue: bool = False,
    sort: str = "newest",
    today: date | None = None,
) -> QuerySet[Any]:
    """Complaints for a list, filtered and sorted; never the complainant's identity.

    Args:
        user: Who is reading (must be allowed to read complaints).
        status: Only complaints in this status.
        escalated: Only complaints with an open escalation.
        overdue: Only complaints past their acknowledgement or findings deadline.
        sort: One of `SORTS`.
        today: The date "overdue" is judged on (default: today).
    """
    check_allowed(user=user, act=Act.READ)
    day = today or timezone.localdate()
    query = models.Complaint.objects.annotate(
        escalated=_open_escalations(), findings_count=Count("findings", distinct=True)
    )
    if status:
        query = query.filter(status=status)
    if escalated:
        query = query.filter(escalated=True)
    if overdue:
        query = query.filter(
            Q(status=Status.RECEIVED, acknowledge_by__lt=day)
            | Q(
                status__in=(Status.RECEIVED, Status.ACKNOWLEDGED, Status.INVESTIGATING),
                findings_by__lt=day,
            )
        )
    return query.order_by(*SORTS.get(sort, SORTS["newest"])).values(
        "id",
        "received_at",
        "channel",
        "summary",
        "about_agency",
        "status",
        "acknowledge_by",
        "findings_by",
        "escalated",
        "findings_count",
    )


@dataclass(frozen=True, slots=True)
class Identity:
    """Who complained, for those who may know."""

    user_email: str | None
    name: str
    contact: str


@dataclass(frozen=True, slots=True)
class FindingView:
    finding: models.Finding
    recommendations: list[tuple[models.Recommendation, list[models.RecommendationAction]]]


@dataclass(frozen=True, slots=True)
class ComplaintDetail:
    """A complaint with everything about it that the reader may see."""

    complaint: models.Complaint
    identity: Identity | None
    anonymous: bool
    history: list[models.ComplaintHistory]
    notes: list[models.Note]
    findings: list[FindingView]
    escalations: list[models.Escalation]
    designations: list[models.VexatiousDesignation]
    vexatious: bool
    allowed: frozenset[Act] = field(default_factory=frozenset)
    people: dict[int, str] = field(default_factory=dict)  # staff who took a step, by user id

    @property
    def open_escalations(self) -> list[models.Escalation]:
        return [e for e in self.escalations if e.closed_at is None]

    @property
    def pending_designation(self) -> models.VexatiousDesignation | None:
        return next((d for d in self.designations if d.approved is None), None)


def complaint_detail(*, user: User, complaint_id: int) -> ComplaintDetail | None:
    """One complaint for a reader; the identity only for roles that may see it."""
    role = check_allowed(user=user, act=Act.READ, complaint_id=complaint_id)
    complaint = (
        models.Complaint.objects.select_related("complainant").filter(pk=complaint_id).first()
    )
    if complaint is None:
        return None
    identity = None
    if may(role, Act.SEE_IDENTITY):
        identity = Identity(
            user_email=complaint.complainant.email if complaint.complainant else None,
            name=complaint.complainant_name,
            contact=complaint.complainant_contact,
        )
    findings = [
        FindingView(
            finding=finding,
            recommendations=[(r, list(r.actions.all())) for r in finding.recommendations.all()],
        )
        for finding in complaint.findings.prefetch_related("recommendations__actions")
    ]
    designations = list(complaint.vexatious_designations.all())
    history = list(complaint.history.all())
    notes = list(complaint.notes.all())
    escalations = list(complaint.escalations.all())
    staff_ids = {
        *(h.by_id for h in history),
        *(n.by_id for n in notes),
        *(e.closed_by_id for e in escalations),
        *(d.proposed_by_id for d in designations),
        *(d.decided_by_id for d in designations),
        *(v.finding.recorded_by_id for v in findings),
        *(v.finding.responded_by_id for v in findings),
    }
    if complaint.complainant_id is not None and not may(role, Act.SEE_IDENTITY):
        # A complainant who is also staff is not named to those who may not know who complained.
        staff_ids.discard(complaint.complainant_id)
    return ComplaintDetail(
        complaint=complaint,
        identity=identity,
        anonymous=complaint.channel == models.Complaint.Channel.ANONYMOUS,
        history=history,
        notes=notes,
        findings=findings,
        escalations=escalations,
        designations=designations,
        vexatious=any(d.approved for d in designations),
        allowed=frozenset(act for act in Act if may(role, act)),
        people=_staff_names({pk for pk in staff_ids if pk is not None}),
    )


def _staff_names(user_ids: set[int]) -> dict[int, str]:
    """Each user's email and role, for naming who took a step."""
    rows = Profile.objects.filter(user_id__in=user_ids).values_list(
        "user_id", "user__email", "role"
    )
    return {user_id: f"{email} ({role.replace('_', ' ')})" for user_id, email, role in rows}


def escalations_open_query(*, user: User) -> QuerySet[Any]:
    """Open escalations, oldest first: the dashboard stays until each is closed."""
    check_allowed(user=user, act=Act.READ)
    return (
        models.Escalation.objects.filter(closed_at__isnull=True)
        .order_by("raised_at", "id")
        .values(
            "id",
            "cause",
            "raised_at",
            "complaint_id",
            "complaint__summary",
            "complaint__status",
            "finding_id",
        )
    )


def escalations_closed_query(*, user: User) -> QuerySet[Any]:
    """Closed escalations, newest first, with who closed them and why."""
    check_allowed(user=user, act=Act.READ)
    return (
        models.Escalation.objects.filter(closed_at__isnull=False)
        .order_by("-closed_at", "-id")
        .values(
            "id",
            "cause",
            "raised_at",
            "closed_at",
            "closed_by__email",
            "close_reason",
            "complaint_id",
        )
    )


def my_complaints(*, user: User) -> list[dict[str, Any]]:
    """A signed-in complainant's own complaints and where each is."""
    if not user.is_authenticated:
        return []
    rows = (
        models.Complaint.objects.filter(complainant_id=user.pk)
        .order_by("-received_at")
        .values("id", "received_at", "summary", "status")
    )
    return [dict(row) for row in rows]


def complaint_by_receipt(*, receipt_code: str) -> models.Complaint | None:
    """The complaint a receipt code belongs to, or None."""
    hashed = receipt_hash(receipt_code)
    if hashed is None:
        return None
    return models.Complaint.objects.filter(receipt_hash=hashed).first()


@dataclass(frozen=True, slots=True)
class ComplainantView:
    """What the complainant sees of their complaint: where it is, never the team's notes."""

    reference: int
    status: Status
    received_at: Any
    acknowledged_at: Any
    findings: list[tuple[str, str]]  # (outcome label, response label or "")
    additions: int


def complainant_view(*, complaint: models.Complaint) -> ComplainantView:
    """The complainant's own view of their complaint."""
    return ComplainantView(
        reference=complaint.pk,
        status=Status(complaint.status),
        received_at=complaint.received_at,
        acknowledged_at=complaint.acknowledged_at,
        findings=[
            (
                finding.get_outcome_display(),
                finding.get_response_display() if finding.response else "",
            )
            for finding in complaint.findings.all()
        ],
        additions=complaint.notes.filter(from_complainant=True).count(),
    )
