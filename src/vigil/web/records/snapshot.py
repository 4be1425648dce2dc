"""A columnar snapshot of what the store knew on a date, for the analytical pipeline.

Linkage, graphs and detection never query the ORM row by row: they read
Arrow tables (or Parquet files) of mentions and links taken here in one pass.
Rows stream from a server-side cursor (PostgreSQL) or a plain one (SQLite)
in batches, so a million records never sit in memory as Python objects.

As of a date, each record is read in its latest version recorded on or
before that date, and records first recorded after it are left out; without
a date, each record's current version is read.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from django.db import connection

from vigil.core.linkage.inputs import LINKS_SCHEMA, MENTIONS_SCHEMA
from vigil.web.records import models

BATCH_ROWS = 50_000

# Mention columns read straight from the mention table, in schema order.
_MENTION_COLUMNS = (
    "ref",
    "id",
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
)
_VERSION_COLUMNS = ("agency", "kind", "recorded_at", "occurred_on", "occurred_from", "occurred_to")


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Mentions and links as known on one date.

    Attributes:
        mentions: One row per mention (`MENTIONS_SCHEMA`).
        links: One row per link (`LINKS_SCHEMA`).
        as_of: The date the snapshot stands at, or None for everything held.
    """

    mentions: pa.Table
    links: pa.Table
    as_of: datetime | None


def snapshot_tables(*, as_of: datetime | None = None, batch_rows: int = BATCH_ROWS) -> Snapshot:
    """Reads the snapshot into Arrow tables.

    Args:
        as_of: Only what was recorded on or before this moment; None for all.
        batch_rows: Rows fetched from the database at a time.

    Returns:
        The snapshot.
    """
    mentions = pa.Table.from_batches(
        list(_mention_batches(as_of, batch_rows)), schema=MENTIONS_SCHEMA
    )
    links = pa.Table.from_batches(list(_link_batches(as_of, batch_rows)), schema=LINKS_SCHEMA)
    return Snapshot(mentions=mentions, links=links, as_of=as_of)


def snapshot_write(
    *, folder: Path, as_of: datetime | None = None, batch_rows: int = BATCH_ROWS
) -> tuple[Path, Path]:
    """Writes the snapshot as `mentions.parquet` and `links.parquet`, batch by batch.

    Args:
        folder: Where to write (created when missing).
        as_of: Only what was recorded on or before this moment; None for all.
        batch_rows: Rows fetched and written at a time.

    Returns:
        The paths of the mentions and links files.
    """
    folder.mkdir(parents=True, exist_ok=True)
    paths = (folder / "mentions.parquet", folder / "links.parquet")
    for path, schema, batches in (
        (paths[0], MENTIONS_SCHEMA, _mention_batches(as_of, batch_rows)),
        (paths[1], LINKS_SCHEMA, _link_batches(as_of, batch_rows)),
    ):
        with pq.ParquetWriter(path, schema) as writer:
            for batch in batches:
                writer.write_batch(batch)
    return paths


# --- SQL --------------------------------------------------------------------


def _versions_sql(as_of: datetime | None) -> tuple[str, list[Any]]:
    """The record versions the snapshot reads: (sql giving record_id, version_id), params."""
    record = models.Record._meta.db_table
    version = models.RecordVersion._meta.db_table
    if as_of is None:
        return (
            f"SELECT r.source_id AS record_id, r.current_version_id AS version_id "
            f"FROM {record} r WHERE r.current_version_id IS NOT NULL",
            [],
        )
    # The latest version recorded by then: a later correction was not yet known.
    stamp = connection.ops.adapt_datetimefield_value(as_of)
    return (
        f"SELECT r.source_id AS record_id, ("
        f"SELECT v2.id FROM {version} v2 WHERE v2.record_id = r.id AND v2.recorded_at <= %s "
        f"ORDER BY v2.version DESC LIMIT 1) AS version_id FROM {record} r",
        [stamp],
    )


def _mention_batches(as_of: datetime | None, batch_rows: int) -> Iterator[pa.RecordBatch]:
    versions_sql, params = _versions_sql(as_of)
    mention = models.Mention._meta.db_table
    version = models.RecordVersion._meta.db_table
    columns = ", ".join(
        [*(f"m.{c}" for c in _MENTION_COLUMNS), *(f"v.{c}" for c in _VERSION_COLUMNS)]
    )
    sql = (
        f"SELECT s.record_id, {columns} FROM ({versions_sql}) s "
        f"JOIN {version} v ON v.id = s.version_id "
        f"JOIN {mention} m ON m.record_version_id = v.id "
        f"ORDER BY s.record_id, m.ref"
    )
    for rows in _fetch(sql, params, batch_rows):
        yield _mention_batch(rows)


def _link_batches(as_of: datetime | None, batch_rows: int) -> Iterator[pa.RecordBatch]:
    versions_sql, params = _versions_sql(as_of)
    link = models.Link._meta.db_table
    sql = (
        f"SELECT s.record_id, l.from_ref, l.to_ref, l.type FROM ({versions_sql}) s "
        f"JOIN {link} l ON l.record_version_id = s.version_id ORDER BY s.record_id, l.id"
    )
    for rows in _fetch(sql, params, batch_rows):
        yield pa.RecordBatch.from_arrays(
            [pa.array([row[i] for row in rows], pa.string()) for i in range(4)],
            schema=LINKS_SCHEMA,
        )


def _fetch(sql: str, params: list[Any], batch_rows: int) -> Iterator[Sequence[Sequence[Any]]]:
    # chunked_cursor is a server-side cursor on PostgreSQL, so rows stream.
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(batch_rows):
            yield rows


def _mention_batch(rows: Sequence[Sequence[Any]]) -> pa.RecordBatch:
    columns: list[list[Any]] = [list(column) for column in zip(*rows, strict=True)]
    by_name = dict(zip(MENTIONS_SCHEMA.names, columns, strict=True))
    by_name["aliases"] = [_json_list(v) for v in by_name["aliases"]]
    by_name["identifiers"] = [_json_object_text(v) for v in by_name["identifiers"]]
    by_name["recorded_at"] = [_utc(v) for v in by_name["recorded_at"]]
    for name in ("occurred_from", "occurred_to"):
        by_name[name] = [_date(v) for v in by_name[name]]
    return pa.RecordBatch.from_arrays(
        [pa.array(by_name[f.name], f.type) for f in MENTIONS_SCHEMA], schema=MENTIONS_SCHEMA
    )


def _json_list(value: Any) -> list[str]:
    # SQLite hands JSON back as text, PostgreSQL (jsonb) as Python values.
    loaded = json.loads(value) if isinstance(value, str) else value
    return [str(v) for v in loaded or ()]


def _json_object_text(value: Any) -> str | None:
    loaded = json.loads(value) if isinstance(value, str) else value
    return json.dumps(loaded, sort_keys=True) if loaded else None


def _utc(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    moment: datetime = value
    # SQLite stores naive UTC (USE_TZ); PostgreSQL returns aware values.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def detect_inputs_rows(
    *, as_of: datetime | None = None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Records (with offence) and actions (with subjects) as known on a date, for detection.

    Args:
        as_of: Only what was recorded or taken on or before this moment; None for all.

    Returns:
        (records, actions): records as dicts of record_id, agency, kind, offence,
        recorded_at, occurred_on; actions as dicts of action_id, agency, kind,
        taken_at, record_ids, subjects [(record id, ref)], rationale.
    """
    versions_sql, params = _versions_sql(as_of)
    version = models.RecordVersion._meta.db_table
    records = [
        {
            "record_id": row[0],
            "agency": row[1],
            "kind": row[2],
            "offence": row[3],
            "recorded_at": _utc(row[4]),
            "occurred_on": row[5],
        }
        for rows in _fetch(
            f"SELECT s.record_id, v.agency, v.kind, v.offence, v.recorded_at, v.occurred_on "
            f"FROM ({versions_sql}) s JOIN {version} v ON v.id = s.version_id "
            f"ORDER BY s.record_id",
            params,
            BATCH_ROWS,
        )
        for row in rows
    ]
    current = models.ActionVersion.objects.filter(
        id__in=models.Action.objects.values("current_version_id")
    )
    if as_of is not None:
        current = current.filter(taken_at__lte=as_of)
    subjects: dict[int, list[tuple[str, str]]] = {}
    for version_id, record_id, ref in models.ActionSubject.objects.filter(
        action_version__in=current
    ).values_list("action_version_id", "record_source_id", "ref"):
        subjects.setdefault(version_id, []).append((record_id, ref))
    actions = [
        {
            "action_id": source_id,
            "agency": agency,
            "kind": kind,
            "taken_at": _utc(taken_at),
            "record_ids": list(record_ids or ()),
            "subjects": subjects.get(pk, []),
            "rationale": rationale,
        }
        for pk, source_id, agency, kind, taken_at, record_ids, rationale in current.values_list(
            "id", "action__source_id", "agency", "kind", "taken_at", "record_ids", "rationale"
        )
    ]
    return records, actions
