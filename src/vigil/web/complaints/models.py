"""The register as stored. Rows are added and moved on, never deleted.

The complaint's own words (summary, details, notes) stay here and never go
into the audit log, which names complaints, findings and escalations by id.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.signals import pre_delete

from vigil.core.complaints import Cause, Outcome, Response, Status

_USER = settings.AUTH_USER_MODEL


class Complaint(models.Model):
    """A complaint, how it came in, and where it is."""

    class Channel(models.TextChoices):
        SIGNED_IN = "signed_in"
        ANONYMOUS = "anonymous"
        RECORDED_BY_STAFF = "recorded_by_staff"

    received_at = models.DateTimeField()
    channel = models.CharField(max_length=20, choices=Channel.choices)
    # Who complained: a signed-in user, or a name and contact they chose to give.
    complainant = models.ForeignKey(_USER, on_delete=models.PROTECT, null=True, related_name="+")
    complainant_name = models.CharField(max_length=200, blank=True)
    complainant_contact = models.CharField(max_length=200, blank=True)
    receipt_hash = models.CharField(max_length=64, unique=True)
    about_agency = models.CharField(max_length=64, blank=True)
    summary = models.CharField(max_length=200)
    details = models.TextField()
    status = models.CharField(
        max_length=20, choices=[(s.value, s.label) for s in Status], default=Status.RECEIVED
    )
    acknowledge_by = models.DateField()
    findings_by = models.DateField()
    acknowledged_at = models.DateTimeField(null=True)
    closed_at = models.DateTimeField(null=True)
    close_reason = models.TextField(blank=True)

    class Meta:
        ordering = ("-received_at", "-id")
        indexes = (models.Index(fields=("status", "received_at")),)


class ComplaintHistory(models.Model):
    """One step in a complaint's life, as the complaint page shows it."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="history")
    at = models.DateTimeField()
    by = models.ForeignKey(_USER, on_delete=models.PROTECT, null=True, related_name="+")
    # "complainant" for the complainant's own additions, "vigil" for the overdue check.
    by_label = models.CharField(max_length=32, blank=True)
    what = models.CharField(max_length=200)

    class Meta:
        ordering = ("at", "id")


class Note(models.Model):
    """Further information: from the complainant (by receipt code) or from the team."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="notes")
    at = models.DateTimeField()
    from_complainant = models.BooleanField()
    by = models.ForeignKey(_USER, on_delete=models.PROTECT, null=True, related_name="+")
    text = models.TextField()

    class Meta:
        ordering = ("at", "id")


class Finding(models.Model):
    """An investigation's finding, and the organisation's response to it."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="findings")
    outcome = models.CharField(max_length=16, choices=[(o.value, o.label) for o in Outcome])
    reasons = models.TextField()
    recorded_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    response_by = models.DateField()
    response = models.CharField(
        max_length=16, choices=[(r.value, r.label) for r in Response], blank=True
    )
    response_reasons = models.TextField(blank=True)
    responded_by = models.ForeignKey(_USER, on_delete=models.PROTECT, null=True, related_name="+")
    responded_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ("recorded_at", "id")


class Recommendation(models.Model):
    """What a finding recommends, and whether the organisation accepts it."""

    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="recommendations")
    text = models.TextField()
    recorded_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    response = models.CharField(
        max_length=16, choices=[(r.value, r.label) for r in Response], blank=True
    )
    response_reasons = models.TextField(blank=True)
    responded_by = models.ForeignKey(_USER, on_delete=models.PROTECT, null=True, related_name="+")
    responded_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ("recorded_at", "id")


class RecommendationAction(models.Model):
    """Something done (or to be done, by a date) on a recommendation."""

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.PROTECT, related_name="actions"
    )
    description = models.TextField()
    due_on = models.DateField()
    recorded_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True)
    completed_by = models.ForeignKey(_USER, on_delete=models.PROTECT, null=True, related_name="+")
    completion_note = models.TextField(blank=True)

    class Meta:
        ordering = ("due_on", "id")


class Escalation(models.Model):
    """A missed deadline or a rejected finding, open until an independent reviewer closes it."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="escalations")
    finding = models.ForeignKey(
        Finding, on_delete=models.PROTECT, null=True, related_name="escalations"
    )
    cause = models.CharField(max_length=32, choices=[(c.value, c.label) for c in Cause])
    key = models.CharField(max_length=100, unique=True)  # raised once per cause and subject
    raised_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True)
    closed_by = models.ForeignKey(_USER, on_delete=models.PROTECT, null=True, related_name="+")
    close_reason = models.TextField(blank=True)

    class Meta:
        ordering = ("raised_at", "id")
        indexes = (models.Index(fields=("closed_at", "raised_at")),)


class VexatiousDesignation(models.Model):
    """A proposal to treat a complainant as vexatious: no effect until an independent
    reviewer (not the proposer) approves it, with a recorded reason."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.PROTECT, related_name="vexatious_designations"
    )
    proposed_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField()
    reason = models.TextField()
    approved = models.BooleanField(null=True)  # None: not yet decided
    decided_by = models.ForeignKey(_USER, on_delete=models.PROTECT, null=True, related_name="+")
    decided_at = models.DateTimeField(null=True)
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ("proposed_at", "id")


class DeletionRefusedError(RuntimeError):
    """Complaints and everything about them are kept: nothing may be deleted."""


_KEPT = (
    Complaint,
    ComplaintHistory,
    Note,
    Finding,
    Recommendation,
    RecommendationAction,
    Escalation,
    VexatiousDesignation,
)


def _refuse_deletion(sender: type[models.Model], **kwargs: Any) -> None:
    raise DeletionRefusedError(f"{sender.__name__} rows are never deleted")


# Connected model by model: a listener makes Django send pre_delete for every row
# of a queryset delete too, and other models keep their fast deletes.
for _model in _KEPT:
    pre_delete.connect(_refuse_deletion, sender=_model, dispatch_uid=f"keep-{_model.__name__}")
