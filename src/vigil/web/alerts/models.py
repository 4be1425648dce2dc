"""An alert keeps one identity (its key: rule and subjects) however its evidence grows."""

from __future__ import annotations

from datetime import datetime

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
    # Whom the finding is about (with the rule, its key); the entities it names are `entity_ids`.
    subject_ids = models.JSONField(default=list)
    closed_at = models.DateTimeField(null=True)  # closed or actioned; cleared on reopening
    # New evidence on a closed or actioned alert reopens it, and says why.
    reopened_at = models.DateTimeField(null=True)
    reopen_reason = models.TextField(blank=True)
    # Escalation: to a supervisor (unowned past its SLA) or a senior reviewer (a subject
    # dismissed too often). `escalation_resolved_at` is set once that person has dealt with it.
    escalated_at = models.DateTimeField(null=True, db_index=True)
    escalated_to = models.CharField(max_length=32, blank=True)
    escalation_reason = models.TextField(blank=True)
    escalation_resolved_at = models.DateTimeField(null=True)
    escalation_resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    # Keys the alert had before re-links re-keyed it (its subjects' ids retired by a
    # merge or a split; see `vigil.core.detect.lineage`), oldest first.
    former_keys = models.JSONField(default=list)
    # Set while its rule no longer fires on it after a re-link (the evidence split
    # apart, say): kept for a person to close with a reason, never deleted; cleared
    # when the rule fires on it again.
    unsupported_at = models.DateTimeField(null=True)
    unsupported_reason = models.TextField(blank=True)

    class Meta:
        ordering = ("-priority", "key")

    @property
    def open_since(self) -> datetime:
        """When it last became open: raised, or reopened."""
        return self.reopened_at or self.raised_at

    @property
    def escalation_pending(self) -> bool:
        """Escalated, and not yet dealt with by the person it went to."""
        return self.escalated_at is not None and self.escalation_resolved_at is None


class SubjectDismissal(models.Model):
    """An approved no-further-action decision about one subject: counted for escalation."""

    entity_id = models.CharField(max_length=200, db_index=True)
    alert = models.ForeignKey(Alert, on_delete=models.PROTECT, related_name="dismissals")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField()


class AlertRecord(models.Model):
    """A record an alert names as evidence, so that need-to-know filters alerts in SQL.

    Written with the alert's `record_ids`, which stay the alert's own word.
    """

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="evidence_records")
    # The (alert, record) constraint serves lookups by alert; the (record, alert)
    # index, the alerts citing a record (an entity's timeline).
    record = models.ForeignKey(
        "records.Record", on_delete=models.PROTECT, related_name="+", db_index=False
    )

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=("alert", "record"), name="alert_record_unique"),
        )
        indexes = (models.Index(fields=("record", "alert"), name="alert_record_by_record"),)


class CommunityRun(models.Model):
    """One detection run's communities of the entity graph, as the communities pages read them.

    Written with the run's alerts; only the latest run's communities are kept.
    """

    as_of = models.DateTimeField()  # the moment detection looked at the store as of
    written_at = models.DateTimeField()
    communities = models.PositiveIntegerField()
    edges = models.PositiveIntegerField()
    records = models.PositiveIntegerField()


class Community(models.Model):
    """A Leiden community found by a run: its members and what joins them, all of it.

    The pages show each user only the edges resting on records they may read.
    """

    run = models.ForeignKey(CommunityRun, on_delete=models.CASCADE, related_name="+")
    number = models.PositiveIntegerField()  # 1 = largest, as detection orders them
    key = models.CharField(max_length=200)  # its smallest entity id
    size = models.PositiveIntegerField()
    edge_count = models.PositiveIntegerField()
    record_count = models.PositiveIntegerField()

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=("run", "number"), name="community_run_number"),
        )


class CommunityMember(models.Model):
    """An entity in a community; any member's page finds its community by this row."""

    class Age(models.TextChoices):
        ADULT = "adult"
        CHILD = "child"
        UNKNOWN = ""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="member_rows")
    entity_id = models.CharField(max_length=200, db_index=True)
    age = models.CharField(max_length=5, choices=Age.choices, blank=True)


class CommunityEdge(models.Model):
    """Two members and every record that joins them: `records` is [[source_id, recorded_at]]."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="edge_rows")
    source = models.CharField(max_length=200)
    target = models.CharField(max_length=200)
    weight = models.FloatField()
    records = models.JSONField(default=list)
