"""Reports drafted for publication: redacted, approved by a second person, released once.

A released report never changes: its HTML and PDF are hashed at release and
checked against the hash whenever they are read; saving or deleting one
raises. The key from pseudonym to person is stored sealed (encrypted with a
key held outside the database).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class ReleasedReportError(RuntimeError):
    """A released report was about to be changed or deleted."""


class Report(models.Model):
    """A redacted knowledge report about one entity or a network."""

    class Status(models.TextChoices):
        DRAFT = "draft"
        APPROVED = "approved"
        RELEASED = "released"

    title = models.CharField(max_length=300)  # redacted
    entity_ids = models.JSONField(default=list)
    # The records it was built from: unreleased, it is shown only to who may read them all.
    record_ids = models.JSONField(default=list)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField()
    approved_at = models.DateTimeField(null=True)
    released_at = models.DateTimeField(null=True)
    html = models.TextField()
    pdf = models.BinaryField()
    sealed_key = models.BinaryField()  # pseudonym to entity, encrypted
    identifiers_redacted = models.PositiveIntegerField(default=0)
    chronology_entries = models.PositiveIntegerField(default=0)
    withheld_records = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)  # of the HTML and PDF, at release

    class Meta:
        ordering = ("-created_at",)

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and self._released_in_store():
            raise ReleasedReportError(f"report {self.pk} is released and cannot change")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if self._released_in_store():
            raise ReleasedReportError(f"report {self.pk} is released and cannot be deleted")
        return super().delete(*args, **kwargs)

    def _released_in_store(self) -> bool:
        return Report.objects.filter(pk=self.pk, status=Report.Status.RELEASED).exists()
