"""Reading the system of record."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, QuerySet

from vigil.web.kept import kept
from vigil.web.records import models
from vigil.web.records.access import User, readable_parts, readable_q, visible_record_ids

# The next ingest run recounts at once; this bounds records arriving within one run.
SHARED_COUNTS_KEPT_SECONDS = 300


def store_summary(*, user: User | None = None) -> dict[str, Any]:
    """Counts of everything held, and current records by agency.

    Args:
        user: Count only what need-to-know lets this user read; None (the
            command line, run by whoever runs the server) counts everything.
    """
    records = models.Record.objects.all()
    versions = models.RecordVersion.objects.all()
    actions = models.Action.objects.all()
    access_lines = models.AccessEvent.objects.all()
    if user is not None:
        records = records.filter(pk__in=visible_record_ids(user))
        versions = versions.filter(record_id__in=records.values("pk"))
        source_ids = records.values("source_id")
        actions = actions.filter(
            pk__in=models.ActionSubject.objects.filter(
                record_source_id__in=source_ids,
                action_version__in=models.Action.objects.values("current_version"),
            ).values("action_version__action_id")
        )
        access_lines = access_lines.filter(record_source_id__in=source_ids)
    current = models.RecordVersion.objects.filter(pk__in=records.values("current_version"))
    return {
        "totals": {
            "agencies": models.Agency.objects.count(),
            "staff": models.Staff.objects.count(),
            "records": records.count(),
            "record_versions": versions.count(),
            "mentions": models.Mention.objects.filter(record_version__in=current).count(),
            "links": models.Link.objects.filter(record_version__in=current).count(),
            "actions": actions.count(),
            "access_lines": access_lines.count(),
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


def ingest_runs_query(*, status: str | None = None, newest_first: bool = True) -> QuerySet[Any]:
    """Ingest runs for a paginated list, with their counts of rejected lines.

    Args:
        status: Only runs that ended so ("completed", "refused", ...), when given.
        newest_first: Order by run number, newest first unless False.
    """
    runs = models.IngestRun.objects.annotate(rejected=Count("rejections"))
    if status:
        runs = runs.filter(status=status)
    return runs.order_by("-id" if newest_first else "id").values(
        "id", "source", "status", "strict", "started_at", "finished_at", "rejected"
    )


def ingest_run(*, run_id: int) -> models.IngestRun | None:
    """One ingest run, or None."""
    return models.IngestRun.objects.filter(pk=run_id).first()


def rejected_lines_query(*, run_id: int, file: str | None = None) -> QuerySet[Any]:
    """A run's rejected lines for a paginated list, in the order they were read."""
    lines = models.RejectedLine.objects.filter(ingest_run_id=run_id)
    if file:
        lines = lines.filter(file=file)
    return lines.order_by("id").values("file", "line", "reason", "excerpt")


def rejected_files(*, run_id: int) -> list[str]:
    """The files a run rejected lines from."""
    return list(
        models.RejectedLine.objects.filter(ingest_run_id=run_id)
        .order_by("file")
        .values_list("file", flat=True)
        .distinct()
    )


@dataclass(frozen=True, slots=True)
class RecordDetail:
    """A record as it stands, what it names, and every version received."""

    record: models.Record
    current: models.RecordVersion
    mentions: list[models.Mention]
    links: list[models.Link]
    versions: list[dict[str, Any]]
    actions: list[dict[str, Any]]


def record_detail(*, record_id: int) -> RecordDetail | None:
    """The record's current version with its mentions and links, and its history."""
    record = models.Record.objects.select_related("current_version").filter(pk=record_id).first()
    if record is None or record.current_version is None:
        return None
    current = record.current_version
    actions = (
        models.ActionVersion.objects.filter(
            pk__in=models.Action.objects.values("current_version"),
            subjects__record_source_id=record.source_id,
        )
        .distinct()
        .order_by("taken_at")
        .values("kind", "agency", "taken_at", "by", "approved_by", "rationale")
    )
    versions = record.versions.order_by("-version").values(
        "version", "recorded_at", "ingest_run_id", "content_hash", "title"
    )
    return RecordDetail(
        record=record,
        current=current,
        mentions=list(current.mentions.order_by("ref")),
        links=list(current.links.order_by("id")),
        versions=[dict(v) for v in versions],
        actions=[dict(a) for a in actions],
    )


def agency_codes() -> list[str]:
    """Every agency's code, for filters."""
    return list(models.Agency.objects.order_by("code").values_list("code", flat=True))


def record_exists(*, record_id: int) -> bool:
    """Whether a record with this pk has been taken in."""
    return models.Record.objects.filter(pk=record_id, current_version__isnull=False).exists()


def readable_summary(*, user: User) -> dict[str, Any]:
    """What the home page counts for a user: only the records they may read, by agency.

    Counting every readable record grows with the store, so the counts of what
    everyone in the user's agency (or every oversight user) reads are kept,
    until the next ingest run, for all of them; the user's own few records
    beyond those (their alerts', their grants) are counted on each request.
    Beside them, counts that name no record (agencies, staff, ingest runs).
    """
    parts = readable_parts(user)
    by_agency: dict[str, int] = {}
    if parts is not None:
        latest_run = models.IngestRun.objects.aggregate(m=Max("id"))["m"]
        key = f"vigil:readable-by-agency:{parts.group}:{latest_run}"
        shared = kept(
            key,
            lambda: _by_agency(models.Record.objects.filter(parts.shared)),
            SHARED_COUNTS_KEPT_SECONDS,
        )
        by_agency = dict(shared)
        if parts.extra_pks:
            own = (
                models.Record.objects.filter(pk__in=sorted(parts.extra_pks))
                .filter(readable_q(user))
                .exclude(parts.shared)
            )
            for agency, n in _by_agency(own).items():
                by_agency[agency] = by_agency.get(agency, 0) + n
    return {
        "totals": {
            "records_you_can_read": sum(by_agency.values()),
            "agencies": models.Agency.objects.count(),
            "staff": models.Staff.objects.count(),
            "ingest_runs": models.IngestRun.objects.count(),
        },
        "records_by_agency": dict(sorted(by_agency.items())),
    }


def _by_agency(records: QuerySet[models.Record]) -> dict[str, int]:
    return dict(
        records.values_list("current_version__agency")
        .annotate(n=Count("id"))
        .order_by("current_version__agency")
    )
