"""Reading the audit log: streaming entries for verification, heads, ranges for proofs."""

from __future__ import annotations

from collections.abc import Iterator

from django.db import connection

from vigil.core.audit import EntryRow, SignedTreeHead, canonical_bytes, root_of
from vigil.web.audit import models

BATCH = 20_000

_ENTRY_COLUMNS = (
    "sequence",
    "at",
    "actor_kind",
    "actor_id",
    "actor_agency",
    "category",
    "event",
    "object_refs",
    "reason",
    "prev_hash",
    "leaf_hash",
)


def _select(columns: tuple[str, ...]) -> str:
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    table = quote(models.AuditEntry._meta.db_table)
    # Keyset pages: each query starts after the last sequence seen, so it stays
    # fast at any depth and needs no server-side cursor on either database.
    return (
        f"SELECT {names} FROM {table} WHERE {quote('sequence')} >= %s "
        f"AND {quote('sequence')} < %s ORDER BY {quote('sequence')} LIMIT %s"
    )


def audit_entries(*, start: int = 0, stop: int | None = None) -> Iterator[EntryRow]:
    """Entries with start <= sequence < stop, in sequence order, read in batches."""
    sql = _select(_ENTRY_COLUMNS)
    end = stop if stop is not None else 2**62
    make = EntryRow._make
    while True:
        with connection.cursor() as cursor:
            cursor.execute(sql, [start, end, BATCH])
            rows = cursor.fetchall()
        yield from map(make, rows)
        if len(rows) < BATCH:
            return
        start = rows[-1][0] + 1


def _leaf_hashes(start: int, stop: int) -> Iterator[bytes]:
    sql = _select(("sequence", "leaf_hash"))
    while start < stop:
        with connection.cursor() as cursor:
            cursor.execute(sql, [start, stop, BATCH])
            rows = cursor.fetchall()
        if not rows:
            return
        for _, leaf in rows:
            yield bytes.fromhex(leaf)
        start = rows[-1][0] + 1


def range_root(start: int, stop: int) -> bytes:
    """The Merkle root over the stored leaf hashes of entries [start, stop).

    Uses the stored hashes: a proof built from altered ones fails against the
    signed head it is checked with, so there is no need to recompute them here.
    """
    return root_of(_leaf_hashes(start, stop))


def audit_size() -> int:
    """How many entries the log holds (the next sequence number, if intact)."""
    last = models.AuditEntry.objects.order_by("-sequence").values_list("sequence", flat=True)
    found = last.first()
    return 0 if found is None else found + 1


def signed_heads() -> list[SignedTreeHead]:
    """Every stored signed tree head, smallest tree first."""
    return [_head(row) for row in models.SignedTreeHead.objects.all()]


def signed_head(*, tree_size: int | None = None) -> SignedTreeHead | None:
    """The latest head for `tree_size` entries, or the largest head when None."""
    heads = models.SignedTreeHead.objects.order_by("-tree_size", "-id")
    if tree_size is not None:
        heads = heads.filter(tree_size=tree_size)
    row = heads.first()
    return _head(row) if row else None


def entry_bytes(*, sequence: int) -> bytes | None:
    """The canonical bytes of one entry as stored, or None if there is no such entry."""
    row = next(audit_entries(start=sequence, stop=sequence + 1), None)
    return canonical_bytes(*row[:10]) if row else None


def _head(row: models.SignedTreeHead) -> SignedTreeHead:
    return SignedTreeHead(
        tree_size=row.tree_size,
        root=row.root,
        signed_at=row.signed_at,
        key_id=row.key_id,
        signature=row.signature,
    )
