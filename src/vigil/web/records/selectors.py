"""Reading the system of record."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Count

from vigil.web.records import models


def store_summary() -> dict[str, Any]:
    """Counts of everything held, and current records by agency."""
    current = models.RecordVersion.objects.filter(
        pk__in=models.Record.objects.values("current_version")
    )
    return {
        "totals": {
            "agencies": models.Agency.objects.count(),
            "staff": models.Staff.objects.count(),
            "records": models.Record.objects.count(),
            "record_versions": models.RecordVersion.objects.count(),
            "mentions": models.Mention.objects.filter(record_version__in=current).count(),
            "links": models.Link.objects.filter(record_version__in=current).count(),
            "actions": models.Action.objects.count(),
            "access_lines": models.AccessEvent.objects.count(),
            "ingest_runs": models.IngestRun.objects.count(),
            "rejected_lines": models.RejectedLine.objects.count(),
        },
        "records_by_agency": dict(
            current.values_list("agency").annotate(n=Count("id")).order_by("agency")
        ),
    }


def ingest_runs() -> list[dict[str, Any]]:
    """Every ingest run, newest first, with its count of rejected lines."""
    return list(
        models.IngestRun.objects.annotate(rejected=Count("rejections"))
        .order_by("-id")
        .values(
            "id", "source", "status", "strict", "started_at", "finished_at", "counts", "rejected"
        )
    )


def rejected_lines(*, run_id: int) -> Iterator[dict[str, Any]]:
    """The lines a run rejected, in the order they were read."""
    for row in (
        models.RejectedLine.objects.filter(ingest_run_id=run_id)
        .order_by("id")
        .values("file", "line", "reason", "excerpt")
        .iterator(chunk_size=2000)
    ):
        yield dict(row)
