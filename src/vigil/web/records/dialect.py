"""The few places where SQLite and PostgreSQL differ, kept together."""

from __future__ import annotations

from django.db import connection


def allocate_ids(table: str, count: int) -> list[int]:
    """Reserves `count` primary keys in `table` for rows about to be inserted.

    Ingest inserts parents and children in one batch, so it needs the parents'
    ids before inserting them. Must be called inside the transaction that inserts.
    """
    if count == 0:
        return []
    quoted = connection.ops.quote_name(table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [quoted, count],
            )
            return [row[0] for row in cursor.fetchall()]
        # SQLite: the transaction already holds the write lock (IMMEDIATE), so
        # nobody else can take these ids before we insert them.
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {quoted}")
        start = int(cursor.fetchone()[0]) + 1
        return list(range(start, start + count))


def in_clause_limit() -> int:
    """How many parameters one IN (...) may safely carry."""
    return 900 if connection.vendor == "sqlite" else 10000
