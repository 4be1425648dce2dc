"""Changing the system of record. The core reaches the database only through these."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import orjson
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from vigil.core.contract import Access, Action, Mention, Record, Rejection, Staff
from vigil.core.ingest.pipeline import IngestReport, ingest
from vigil.core.ingest.source import SourceFile, open_bundle
from vigil.core.ingest.store import Counts, Prepared, RunOutcome
from vigil.web.audit.services import audit_ingest
from vigil.web.records import models
from vigil.web.records.access import is_restricted
from vigil.web.records.dialect import allocate_ids, in_clause_limit
from vigil.web.records.search_keys import mention_keys


def bundle_ingest(
    *,
    path: Path,
    strict: bool = False,
    progress: Callable[[int], None] | None = None,
    on_open: Callable[[int], None] | None = None,
) -> IngestReport:
    """Loads a bundle folder or .zip.

    Args:
        path: The folder or zip.
        strict: All or nothing.
        progress: Called with bytes read since the last call.
        on_open: Called once with the total bytes to read, before reading.
    """
    bundle = open_bundle(path)
    if on_open:
        on_open(bundle.size)
    report = ingest(
        bundle.files,
        DatabaseIngestStore(),
        source=str(path),
        strict=strict,
        ignored=bundle.ignored,
        progress=progress,
    )
    audit_ingest(report=report)
    return report


def export_ingest(
    *,
    file: SourceFile,
    source: str,
    strict: bool = False,
    progress: Callable[[int], None] | None = None,
) -> IngestReport:
    """Loads one mapped export (a CSV file read through its mapping)."""
    report = ingest([file], DatabaseIngestStore(), source=source, strict=strict, progress=progress)
    audit_ingest(report=report)
    return report


def _json(value: object) -> str:
    if not value:  # most lists and objects are empty; skip the encoder for them
        return "[]" if isinstance(value, list | tuple) else "{}"
    return orjson.dumps(value).decode()


class _Table:
    """Fast multi-row inserts and updates into one model's table."""

    def __init__(self, model: type[Model], columns: Sequence[str]) -> None:
        self.name = model._meta.db_table
        quote = connection.ops.quote_name
        names = ", ".join(quote(column) for column in columns)
        marks = ", ".join(["%s"] * len(columns))
        self.insert_sql = f"INSERT INTO {quote(self.name)} ({names}) VALUES ({marks})"
        self.copy_sql = f"COPY {quote(self.name)} ({names}) FROM STDIN"

    def insert(self, rows: Sequence[tuple[Any, ...]]) -> None:
        if not rows:
            return
        with connection.cursor() as cursor:
            if connection.vendor != "postgresql":
                cursor.executemany(self.insert_sql, rows)
                return
            # One COPY stream instead of a statement per row: on PostgreSQL the
            # per-row INSERTs were most of an ingest's time. It runs inside the
            # caller's transaction, so a failure still undoes the whole batch.
            with connection.wrap_database_errors, cursor.cursor.copy(self.copy_sql) as copy:
                for row in rows:
                    copy.write_row(row)


class _Versioned:
    """A kind stored as one row per source id plus a row per distinct version."""

    def __init__(
        self,
        head: type[Model],
        version: type[Model],
        owner_column: str,
        version_columns: Sequence[str],
    ) -> None:
        quote = connection.ops.quote_name
        self.head = _Table(
            head, ("id", "source_id", "current_hash", "current_version_id", "version_count")
        )
        self.version = _Table(
            version,
            ("id", owner_column, "version", "content_hash", "ingest_run_id", *version_columns),
        )
        self.select_sql = (
            f"SELECT source_id, id, current_hash, version_count FROM {quote(self.head.name)} "
            "WHERE source_id IN ({})"
        )
        self.update_sql = (
            f"UPDATE {quote(self.head.name)} SET current_hash = %s, "
            "current_version_id = %s, version_count = %s WHERE id = %s"
        )

    def existing(self, source_ids: list[str]) -> dict[str, tuple[int, str, int]]:
        found: dict[str, tuple[int, str, int]] = {}
        step = in_clause_limit()
        with connection.cursor() as cursor:
            for start in range(0, len(source_ids), step):
                chunk = source_ids[start : start + step]
                cursor.execute(self.select_sql.format(", ".join(["%s"] * len(chunk))), chunk)
                for source_id, pk, current_hash, count in cursor.fetchall():
                    found[source_id] = (pk, current_hash, count)
        return found


class DatabaseIngestStore:
    """The IngestStore the core's pipeline writes through."""

    def __init__(self) -> None:
        ops = connection.ops
        self._when = ops.adapt_datetimefield_value
        self._day = ops.adapt_datefield_value
        self._kinds: dict[str, _Versioned] = {
            "staff": _Versioned(
                models.Staff,
                models.StaffVersion,
                "staff_id",
                ("agency", "name", "role", "team", "extra"),
            ),
            "records": _Versioned(
                models.Record,
                models.RecordVersion,
                "record_id",
                (
                    "agency",
                    "kind",
                    "recorded_at",
                    "occurred_on",
                    "occurred_from",
                    "occurred_to",
                    "author",
                    "offence",
                    "title",
                    "text",
                    "sensitivity",
                    "shared_with",
                    "attendees",
                    "extra",
                ),
            ),
            "actions": _Versioned(
                models.Action,
                models.ActionVersion,
                "action_id",
                (
                    "agency",
                    "kind",
                    "taken_at",
                    "by",
                    "approved_by",
                    "record_ids",
                    "rationale",
                    "extra",
                ),
            ),
        }
        self._mentions = _Table(models.Mention, ("id", *_MENTION_COLUMNS))
        self._search_keys = _Table(models.SearchKey, ("mention_id", "kind", "key"))
        self._links = _Table(
            models.Link, ("record_version_id", "from_ref", "to_ref", "type", "extra")
        )
        self._audience = _Table(
            models.RecordAudience, ("record_version_id", "audience", "is_owner", "restricted")
        )
        self._subjects = _Table(
            models.ActionSubject, ("action_version_id", "record_source_id", "ref")
        )
        self._access = _Table(
            models.AccessEvent,
            (
                "line_hash",
                "ingest_run_id",
                "staff_source_id",
                "record_source_id",
                "at",
                "purpose",
                "extra",
            ),
        )
        self._agencies = _Table(models.Agency, ("code",))

    # --- runs -------------------------------------------------------------

    def begin_run(self, *, source: str, strict: bool, ignored: Sequence[str]) -> int:
        with transaction.atomic():
            # A run of the same source left running died part-way; this one completes it.
            models.IngestRun.objects.filter(
                source=source, status=models.IngestRun.Status.RUNNING
            ).update(status=models.IngestRun.Status.INTERRUPTED)
            run = models.IngestRun.objects.create(
                source=source, strict=strict, started_at=timezone.now(), ignored_files=list(ignored)
            )
        return run.pk

    def finish_run(self, run_id: int, outcome: RunOutcome) -> None:
        models.IngestRun.objects.filter(pk=run_id).update(
            status=outcome.status, counts=outcome.counts, finished_at=timezone.now()
        )

    def record_rejections(self, run_id: int, rejections: Sequence[Rejection]) -> None:
        if rejections:
            models.RejectedLine.objects.bulk_create(
                models.RejectedLine(
                    ingest_run_id=run_id,
                    file=rejection.file,
                    line=rejection.line,
                    reason=rejection.reason,
                    excerpt=rejection.excerpt,
                )
                for rejection in rejections
            )

    def all_or_nothing(self) -> AbstractContextManager[None]:
        return _atomic()

    # --- lookups ----------------------------------------------------------

    def known_mention_refs(self, record_ids: Collection[str]) -> dict[str, frozenset[str]]:
        found: dict[str, set[str]] = {}
        wanted = list(record_ids)
        step = in_clause_limit()
        for start in range(0, len(wanted), step):
            chunk = wanted[start : start + step]
            rows = models.Record.objects.filter(source_id__in=chunk).values_list(
                "source_id", "current_version__mentions__ref"
            )
            for source_id, ref in rows:
                refs = found.setdefault(source_id, set())
                if ref is not None:
                    refs.add(ref)
        return {source_id: frozenset(refs) for source_id, refs in found.items()}

    # --- writes -----------------------------------------------------------

    def write(self, run_id: int, kind: str, batch: Sequence[Prepared]) -> Counts:
        with transaction.atomic():
            if kind == "access":
                return self._write_access(run_id, batch)
            return self._write_versioned(run_id, kind, batch)

    def _write_versioned(self, run_id: int, kind: str, batch: Sequence[Prepared]) -> Counts:
        table = self._kinds[kind]
        counts = Counts()
        existing = table.existing([_source_id(prepared) for prepared in batch])
        fresh = [p for p in batch if _source_id(p) not in existing]
        changed = [
            p
            for p in batch
            if (known := existing.get(_source_id(p))) and known[1] != p.content_hash
        ]
        counts.unchanged = len(batch) - len(fresh) - len(changed)
        counts.new, counts.new_versions = len(fresh), len(changed)
        if not fresh and not changed:
            return counts
        self._note_agencies(batch)
        head_ids = allocate_ids(table.head.name, len(fresh))
        version_ids = allocate_ids(table.version.name, len(fresh) + len(changed))
        heads, versions, updates = [], [], []
        for prepared, head_id, version_id in zip(fresh, head_ids, version_ids, strict=False):
            heads.append((head_id, _source_id(prepared), prepared.content_hash, version_id, 1))
            versions.append(self._version_row(version_id, head_id, 1, run_id, prepared))
        for prepared, version_id in zip(changed, version_ids[len(fresh) :], strict=True):
            head_id, _, count = existing[_source_id(prepared)]
            versions.append(self._version_row(version_id, head_id, count + 1, run_id, prepared))
            updates.append((prepared.content_hash, version_id, count + 1, head_id))
        # Versions first: SQLite resolves pending deferred foreign keys by looking
        # up referring rows, so insert what is referred to before what refers.
        table.version.insert(versions)
        table.head.insert(heads)
        if updates:
            with connection.cursor() as cursor:
                cursor.executemany(table.update_sql, updates)
        self._write_children(kind, [*fresh, *changed], version_ids)
        return counts

    def _version_row(
        self, version_id: int, head_id: int, number: int, run_id: int, prepared: Prepared
    ) -> tuple[Any, ...]:
        item = prepared.item
        start = (version_id, head_id, number, prepared.content_hash, run_id)
        if isinstance(item, Record):
            occurred = item.occurred_on
            return (
                *start,
                item.agency,
                item.kind,
                self._when(item.recorded_at),
                occurred.isoformat() if occurred else None,
                self._day(occurred.earliest()) if occurred else None,
                self._day(occurred.latest()) if occurred else None,
                item.author,
                item.offence,
                item.title,
                item.text,
                item.sensitivity,
                _json(item.shared_with),
                _json(item.attendees),
                _json(item.extra),
            )
        if isinstance(item, Action):
            return (
                *start,
                item.agency,
                item.kind,
                self._when(item.taken_at),
                item.by,
                item.approved_by,
                _json(item.record_ids),
                item.rationale,
                _json(item.extra),
            )
        assert isinstance(item, Staff)
        return (*start, item.agency, item.name, item.role, item.team, _json(item.extra))

    def _write_children(
        self, kind: str, stored: Sequence[Prepared], version_ids: Sequence[int]
    ) -> None:
        if kind == "records":
            mentions: list[tuple[Any, ...]] = []
            links: list[tuple[Any, ...]] = []
            audience: list[tuple[Any, ...]] = []
            keys: list[tuple[Any, ...]] = []
            mention_ids = iter(
                allocate_ids(
                    models.Mention._meta.db_table,
                    sum(len(p.item.mentions) for p in stored if isinstance(p.item, Record)),
                )
            )
            for prepared, version_id in zip(stored, version_ids, strict=True):
                record = prepared.item
                assert isinstance(record, Record)
                for m in record.mentions:
                    mention_id = next(mention_ids)
                    mentions.append((mention_id, *_mention_row(version_id, m)))
                    keys.extend((mention_id, *key) for key in _search_keys(m))
                audience.extend(_audience_rows(version_id, record))
                links.extend(
                    (version_id, link.from_ref, link.to_ref, link.type, _json(link.extra))
                    for link in record.links
                )
            self._mentions.insert(mentions)
            self._search_keys.insert(keys)
            self._links.insert(links)
            self._audience.insert(audience)
        elif kind == "actions":
            subjects: list[tuple[Any, ...]] = []
            for prepared, version_id in zip(stored, version_ids, strict=True):
                action = prepared.item
                assert isinstance(action, Action)
                subjects.extend((version_id, s.record_id, s.ref) for s in action.subjects)
            self._subjects.insert(subjects)

    def _write_access(self, run_id: int, batch: Sequence[Prepared]) -> Counts:
        hashes = list({p.content_hash for p in batch})
        seen: set[str] = set()
        step = in_clause_limit()
        for start in range(0, len(hashes), step):
            seen.update(
                models.AccessEvent.objects.filter(
                    line_hash__in=hashes[start : start + step]
                ).values_list("line_hash", flat=True)
            )
        rows = []
        for prepared in batch:
            access = prepared.item
            assert isinstance(access, Access)
            if prepared.content_hash in seen:
                continue
            seen.add(prepared.content_hash)  # the same line twice in one batch is one event
            rows.append(
                (
                    prepared.content_hash,
                    run_id,
                    access.staff,
                    access.record_id,
                    self._when(access.at),
                    access.purpose,
                    _json(access.extra),
                )
            )
        self._access.insert(rows)
        return Counts(new=len(rows), unchanged=len(batch) - len(rows))

    def _note_agencies(self, batch: Sequence[Prepared]) -> None:
        codes: set[str] = {p.item.agency for p in batch if not isinstance(p.item, Access)}
        known = set(models.Agency.objects.filter(code__in=codes).values_list("code", flat=True))
        self._agencies.insert([(code,) for code in sorted(codes - known)])


_MENTION_COLUMNS = (
    "record_version_id",
    "ref",
    "type",
    "role",
    "name",
    "aliases",
    "dob",
    "age",
    "gender",
    "address",
    "postcode",
    "phone",
    "email",
    "identifiers",
    "ethnicity",
    "nationality",
    "religion",
    "description",
    "vrm",
    "make",
    "model",
    "colour",
    "number",
    "org_type",
    "extra",
)


def _mention_row(version_id: int, m: Mention) -> tuple[Any, ...]:
    return (
        version_id,
        m.ref,
        m.type,
        m.role,
        m.name,
        _json(m.aliases),
        m.dob.isoformat() if m.dob else None,
        m.age,
        m.gender,
        m.address,
        m.postcode,
        m.phone,
        m.email,
        _json(m.identifiers),
        m.ethnicity,
        m.nationality,
        m.religion,
        m.description,
        m.vrm,
        m.make,
        m.model,
        m.colour,
        m.number,
        m.org_type,
        _json(m.extra),
    )


def _search_keys(m: Mention) -> list[tuple[str, str]]:
    return mention_keys(
        name=m.name, aliases=[str(a) for a in m.aliases], vrm=m.vrm, phone=m.phone,
        postcode=m.postcode,
    )  # fmt: skip


def _audience_rows(version_id: int, record: Record) -> Iterator[tuple[Any, ...]]:
    """The owner agency, then each other agency (or staff id) the record was shared with."""
    restricted = is_restricted(record.sensitivity)
    yield (version_id, record.agency, True, restricted)
    for other in dict.fromkeys(record.shared_with):
        if other != record.agency:
            yield (version_id, other, False, restricted)


def _source_id(prepared: Prepared) -> str:
    item = prepared.item
    assert not isinstance(item, Access)
    return item.id


@contextmanager
def _atomic() -> Iterator[None]:
    with transaction.atomic():
        yield
