"""Reading the entities."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db import connection

from vigil.web.entities import models
from vigil.web.records import models as records


def previous_assignment() -> dict[tuple[str, str], str]:
    """Each linked mention's entity id, by (record source id, ref)."""
    return {
        (record_id, ref): entity_id
        for record_id, ref, entity_id in models.EntityMention.objects.values_list(
            "record_source_id", "ref", "entity__entity_id"
        ).iterator(chunk_size=20_000)
    }


def entities_stale() -> bool:
    """Whether some current mention has no entity, or some membership no current mention."""
    mention = records.Mention._meta.db_table
    record = records.Record._meta.db_table
    membership = models.EntityMention._meta.db_table
    current = (
        f"SELECT r.source_id AS record_id, m.ref FROM {record} r "
        f"JOIN {mention} m ON m.record_version_id = r.current_version_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT EXISTS (SELECT 1 FROM ({current}) c LEFT JOIN {membership} e "
            f"ON e.record_source_id = c.record_id AND e.ref = c.ref WHERE e.id IS NULL) "
            f"OR (SELECT COUNT(*) FROM {membership}) <> (SELECT COUNT(*) FROM ({current}) c2)"
        )
        row = cursor.fetchone()
    return bool(row[0])


def entity_lines() -> Iterator[dict[str, Any]]:
    """Every entity with its mentions, in entity id order, for `vigil export entities`."""
    rows = (
        models.EntityMention.objects.order_by("entity__entity_id", "record_source_id", "ref")
        .values_list(
            "entity__entity_id", "entity__type", "entity__display_name", "record_source_id", "ref"
        )
        .iterator(chunk_size=20_000)
    )
    current: dict[str, Any] | None = None
    for entity_id, entity_type, display_name, record_id, ref in rows:
        if current is None or current["entity_id"] != entity_id:
            if current is not None:
                yield current
            current = {
                "entity_id": entity_id,
                "type": entity_type,
                "display_name": display_name,
                "mentions": [],
            }
        current["mentions"].append({"record_id": record_id, "ref": ref})
    if current is not None:
        yield current
