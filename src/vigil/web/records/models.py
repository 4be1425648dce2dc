"""The system of record. Nothing here is overwritten: a changed record is a new version.

Staff, records and actions share one shape: a row per source id that names
its current version, and a version row per distinct content ever received.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Agency(models.Model):
    """An agency by its short code (police, children_social_care, ...)."""

    code = models.CharField(max_length=64, unique=True)

    def __str__(self) -> str:
        return self.code


class IngestRun(models.Model):
    """One attempt to take in a bundle or CSV export, with what came of it."""

    class Status(models.TextChoices):
        RUNNING = "running"
        COMPLETED = "completed"
        REFUSED = "refused"  # --strict and some line was bad: nothing went in
        INTERRUPTED = "interrupted"  # the process died; a later run completed the load

    source = models.TextField()
    strict = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True)
    counts = models.JSONField(default=dict)
    ignored_files = models.JSONField(default=list)


class RejectedLine(models.Model):
    """A line that was not taken in, with where it was and why."""

    ingest_run = models.ForeignKey(IngestRun, on_delete=models.CASCADE, related_name="rejections")
    file = models.TextField()
    line = models.PositiveIntegerField()
    reason = models.TextField()
    excerpt = models.TextField(blank=True)

    class Meta:
        ordering = ("id",)


class Staff(models.Model):
    source_id = models.CharField(max_length=200, unique=True)
    current_hash = models.CharField(max_length=64)
    current_version = models.ForeignKey(
        "StaffVersion", on_delete=models.PROTECT, null=True, related_name="+"
    )
    version_count = models.PositiveIntegerField(default=1)


class StaffVersion(models.Model):
    # The unique (staff, version) index serves lookups by staff; runs are rarely searched.
    staff = models.ForeignKey(
        Staff, on_delete=models.PROTECT, related_name="versions", db_index=False
    )
    version = models.PositiveIntegerField()
    content_hash = models.CharField(max_length=64)
    ingest_run = models.ForeignKey(IngestRun, on_delete=models.PROTECT, db_index=False)
    agency = models.CharField(max_length=64)
    name = models.TextField(null=True)
    role = models.TextField(null=True)
    team = models.TextField(null=True)
    extra = models.JSONField(default=dict)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=("staff", "version"), name="staff_version_unique"),
        )


class Record(models.Model):
    """A record by its source id; its content lives in versions."""

    source_id = models.CharField(max_length=200, unique=True)
    current_hash = models.CharField(max_length=64)
    current_version = models.ForeignKey(
        "RecordVersion", on_delete=models.PROTECT, null=True, related_name="+"
    )
    version_count = models.PositiveIntegerField(default=1)


class RecordVersion(models.Model):
    # The unique (record, version) index serves lookups by record; runs are rarely searched.
    record = models.ForeignKey(
        Record, on_delete=models.PROTECT, related_name="versions", db_index=False
    )
    version = models.PositiveIntegerField()
    content_hash = models.CharField(max_length=64)
    ingest_run = models.ForeignKey(IngestRun, on_delete=models.PROTECT, db_index=False)
    agency = models.CharField(max_length=64)
    kind = models.CharField(max_length=32)
    recorded_at = models.DateTimeField(db_index=True)
    occurred_on = models.CharField(max_length=10, null=True)
    occurred_from = models.DateField(null=True)
    occurred_to = models.DateField(null=True)
    author = models.CharField(max_length=200, null=True)
    offence = models.CharField(max_length=16, null=True)
    title = models.TextField(null=True)
    text = models.TextField(null=True)
    sensitivity = models.CharField(max_length=64, null=True)
    shared_with = models.JSONField(default=list)
    attendees = models.JSONField(default=list)
    extra = models.JSONField(default=dict)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=("record", "version"), name="record_version_unique"),
        )


class Mention(models.Model):
    """A person, vehicle, phone, address or organisation as one record version names it."""

    # The unique (record_version, ref) index serves lookups by version too.
    record_version = models.ForeignKey(
        RecordVersion, on_delete=models.PROTECT, related_name="mentions", db_index=False
    )
    ref = models.CharField(max_length=100)
    type = models.CharField(max_length=16)
    role = models.CharField(max_length=32, null=True)
    name = models.TextField(null=True)
    aliases = models.JSONField(default=list)
    dob = models.CharField(max_length=10, null=True)
    age = models.FloatField(null=True)
    gender = models.CharField(max_length=32, null=True)
    address = models.TextField(null=True)
    postcode = models.CharField(max_length=16, null=True)
    phone = models.CharField(max_length=64, null=True)
    email = models.CharField(max_length=254, null=True)
    identifiers = models.JSONField(default=dict)
    # Statistics only: never read by linkage, scores or alerts.
    ethnicity = models.CharField(max_length=100, null=True)
    nationality = models.CharField(max_length=100, null=True)
    religion = models.CharField(max_length=100, null=True)
    description = models.TextField(null=True)
    vrm = models.CharField(max_length=16, null=True)
    make = models.CharField(max_length=64, null=True)
    model = models.CharField(max_length=64, null=True)
    colour = models.CharField(max_length=64, null=True)
    number = models.CharField(max_length=64, null=True)
    org_type = models.CharField(max_length=64, null=True)
    extra = models.JSONField(default=dict)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=("record_version", "ref"), name="mention_ref_unique"),
        )


class SearchKey(models.Model):
    """A key a mention is found by in search, written with it at ingest.

    What the keys are is `vigil.web.records.search_keys`; search reads them
    through one index and lets the property type judge each candidate.
    """

    # Derived rows written in the mention's own transaction, so no database-level
    # constraint: SQLite would otherwise look up keys for every mention inserted.
    mention = models.ForeignKey(
        Mention,
        on_delete=models.DO_NOTHING,
        related_name="search_keys",
        db_index=False,
        db_constraint=False,
    )
    kind = models.CharField(max_length=8)
    key = models.CharField(max_length=64)

    class Meta:
        indexes = (
            # Pattern operators so that PostgreSQL answers prefix searches (partial
            # plates) from the index whatever the database's collation.
            # The mention id rides in the index (PostgreSQL), so a common name's
            # tens of thousands of keys are read from it alone, not row by row.
            models.Index(
                fields=("kind", "key"),
                opclasses=("varchar_pattern_ops", "varchar_pattern_ops"),
                include=("mention",),
                name="search_key_covering",
            ),
        )


class Link(models.Model):
    """A relationship the record states between two of its mentions."""

    record_version = models.ForeignKey(
        RecordVersion, on_delete=models.PROTECT, related_name="links"
    )
    from_ref = models.CharField(max_length=100)
    to_ref = models.CharField(max_length=100)
    type = models.CharField(max_length=64)
    extra = models.JSONField(default=dict)


class Action(models.Model):
    source_id = models.CharField(max_length=200, unique=True)
    current_hash = models.CharField(max_length=64)
    current_version = models.ForeignKey(
        "ActionVersion", on_delete=models.PROTECT, null=True, related_name="+"
    )
    version_count = models.PositiveIntegerField(default=1)


class ActionVersion(models.Model):
    # The unique (action, version) index serves lookups by action; runs are rarely searched.
    action = models.ForeignKey(
        Action, on_delete=models.PROTECT, related_name="versions", db_index=False
    )
    version = models.PositiveIntegerField()
    content_hash = models.CharField(max_length=64)
    ingest_run = models.ForeignKey(IngestRun, on_delete=models.PROTECT, db_index=False)
    agency = models.CharField(max_length=64)
    kind = models.CharField(max_length=32)
    taken_at = models.DateTimeField(db_index=True)
    by = models.CharField(max_length=200, null=True)
    approved_by = models.CharField(max_length=200, null=True)
    record_ids = models.JSONField(default=list)
    rationale = models.TextField(null=True)
    extra = models.JSONField(default=dict)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=("action", "version"), name="action_version_unique"),
        )


class ActionSubject(models.Model):
    """A mention an action is about, named by record source id and ref."""

    action_version = models.ForeignKey(
        ActionVersion, on_delete=models.PROTECT, related_name="subjects"
    )
    record_source_id = models.CharField(max_length=200, db_index=True)
    ref = models.CharField(max_length=100)


class AccessEvent(models.Model):
    """A historical read of a record, as an agency's own log recorded it."""

    line_hash = models.CharField(max_length=64, unique=True)
    ingest_run = models.ForeignKey(IngestRun, on_delete=models.PROTECT)
    staff_source_id = models.CharField(max_length=200, db_index=True)
    record_source_id = models.CharField(max_length=200, db_index=True)
    at = models.DateTimeField()
    purpose = models.CharField(max_length=100, null=True)
    extra = models.JSONField(default=dict)


class RecordAudience(models.Model):
    """Who a record version is for: its owner agency and each agency it was shared with.

    Copied out of the version at ingest so that need-to-know filters records in
    SQL by one indexed column rather than by JSON. Only rows of a record's
    current version count; older versions' rows stay, as the versions do.
    """

    record_version = models.ForeignKey(
        RecordVersion, on_delete=models.PROTECT, related_name="audience", db_index=False
    )
    # An agency code, or a staff id when the record was sent to one person.
    audience = models.CharField(max_length=200)
    is_owner = models.BooleanField()
    restricted = models.BooleanField()

    class Meta:
        # Led by the version: SQLite checks deferred foreign keys by looking up
        # referring rows, and without it every version inserted scans this table.
        constraints = (
            models.UniqueConstraint(
                fields=("record_version", "audience"), name="record_audience_unique"
            ),
        )
        indexes = (
            # "Records for this agency", answered from the index alone.
            models.Index(fields=("audience", "record_version"), name="record_audience_by_agency"),
            models.Index(
                fields=("record_version",),
                condition=models.Q(restricted=True, is_owner=True),
                name="record_audience_restricted",
            ),
        )


class AccessGrant(models.Model):
    """A reason a user gave to read one record, and for how long it lets them.

    A reason for a restricted record comes from a user whose role and rules
    already reach it; break-glass is anyone else's, and a supervisor reviews it.
    The reason itself is kept here, not in the audit log, which holds its digest.
    """

    class Kind(models.TextChoices):
        RESTRICTED_REASON = "restricted_reason", "Reason for a restricted record"
        BREAK_GLASS = "break_glass", "Break-glass"

    class Outcome(models.TextChoices):
        JUSTIFIED = "justified", "Justified"
        NOT_JUSTIFIED = "not_justified", "Not justified"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="access_grants"
    )
    record = models.ForeignKey(Record, on_delete=models.PROTECT, related_name="access_grants")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    reason = models.TextField()
    granted_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    review_note = models.TextField(blank=True)

    class Meta:
        indexes = (models.Index(fields=("user", "expires_at"), name="access_grant_user_expiry"),)
