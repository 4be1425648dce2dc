"""A file someone uploaded to be taken in, and how far the taking-in has got."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Upload(models.Model):
    class Kind(models.TextChoices):
        BUNDLE = "bundle", "Bundle (.zip)"
        CSV = "csv", "CSV export with its mapping"

    class Status(models.TextChoices):
        WAITING = "waiting"
        LOADING = "loading"
        DONE = "done"
        FAILED = "failed"  # the file as a whole could not be read; nothing went in

    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    uploaded_at = models.DateTimeField()
    kind = models.CharField(max_length=8, choices=Kind.choices)
    file_name = models.CharField(max_length=255)
    mapping_name = models.CharField(max_length=255, blank=True)
    strict = models.BooleanField(default=False)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.WAITING)
    bytes_total = models.BigIntegerField(default=0)
    bytes_done = models.BigIntegerField(default=0)
    ingest_run = models.ForeignKey(
        "records.IngestRun", on_delete=models.PROTECT, null=True, related_name="+"
    )
    error = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ("-uploaded_at",)

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(100 * self.bytes_done / self.bytes_total) if self.bytes_total else 0
