"""An alert keeps one identity (its key: rule and subjects) however its evidence grows."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Alert(models.Model):
    """A rule's finding on a subject, its priority, and where it is in its lifecycle."""

    class Status(models.TextChoices):
        OPEN = "open"
        ASSIGNED = "assigned"
        ACTION_RECORDED = "action_recorded"
        NFA_PENDING = "nfa_pending"  # no further action proposed, awaiting a senior's approval
        CLOSED = "closed"

    key = models.CharField(max_length=500, unique=True)
    alert_id = models.CharField(max_length=64, unique=True)
    rule = models.CharField(max_length=64, db_index=True)
    raised_at = models.DateTimeField()  # the first as-of step it fired at
    triggered_at = models.DateTimeField()  # when the evidence first met the rule
    updated_at = models.DateTimeField()
    priority = models.FloatField(db_index=True)
    harm = models.FloatField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    entity_ids = models.JSONField(default=list)
    mentions = models.JSONField(default=list)
    record_ids = models.JSONField(default=list)
    explanation = models.TextField()
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    action_note = models.TextField(blank=True)
    nfa_rationale = models.TextField(blank=True)
    nfa_proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    nfa_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ("-priority", "key")
