"""Reading alerts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from vigil.web.alerts import models


def alert_lines() -> Iterator[dict[str, Any]]:
    """Every alert in the spec's export shape, highest priority first."""
    for alert in models.Alert.objects.order_by("-priority", "key").iterator(chunk_size=2_000):
        yield {
            "alert_id": alert.alert_id,
            "rule": alert.rule,
            "raised_at": alert.raised_at.isoformat().replace("+00:00", "Z"),
            "priority": alert.priority,
            "harm": alert.harm,
            "status": alert.status,
            "entity_ids": alert.entity_ids,
            "mentions": alert.mentions,
            "record_ids": alert.record_ids,
            "explanation": alert.explanation,
        }
