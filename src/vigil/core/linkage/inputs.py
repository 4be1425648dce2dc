"""The shape of a snapshot linkage reads: one table of mentions, one of links.

The store's snapshot (`vigil.web.records.snapshot`) writes these tables;
`read_bundle` builds the same from a bundle folder, for tests and
benchmarks that need no database.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa

from vigil.core.normalise.dates import DateError, PartialDate

MENTIONS_SCHEMA = pa.schema(
    [
        ("record_id", pa.string()),
        ("ref", pa.string()),
        ("mention_id", pa.int64()),
        ("type", pa.string()),
        ("role", pa.string()),
        ("name", pa.string()),
        ("aliases", pa.list_(pa.string())),
        ("dob", pa.string()),
        ("age", pa.float64()),
        ("gender", pa.string()),
        ("address", pa.string()),
        ("postcode", pa.string()),
        ("phone", pa.string()),
        ("email", pa.string()),
        ("identifiers", pa.string()),  # JSON object, keys sorted
        # Statistics only: linkage and detection never read these three.
        ("ethnicity", pa.string()),
        ("nationality", pa.string()),
        ("religion", pa.string()),
        ("description", pa.string()),
        ("vrm", pa.string()),
        ("make", pa.string()),
        ("model", pa.string()),
        ("colour", pa.string()),
        ("number", pa.string()),
        ("org_type", pa.string()),
        ("agency", pa.string()),
        ("kind", pa.string()),
        ("recorded_at", pa.timestamp("us", tz="UTC")),
        ("occurred_on", pa.string()),
        ("occurred_from", pa.date32()),
        ("occurred_to", pa.date32()),
    ]
)

LINKS_SCHEMA = pa.schema(
    [
        ("record_id", pa.string()),
        ("from_ref", pa.string()),
        ("to_ref", pa.string()),
        ("type", pa.string()),
    ]
)

_MENTION_FIELDS = frozenset(MENTIONS_SCHEMA.names) - {
    "record_id",
    "mention_id",
    "agency",
    "kind",
    "recorded_at",
    "occurred_on",
    "occurred_from",
    "occurred_to",
}


def read_bundle(folder: Path, *, as_of: datetime | None = None) -> tuple[pa.Table, pa.Table]:
    """Mentions and links of a bundle's records.jsonl, in snapshot shape.

    Lines are trusted to be valid (this reads what the scenario writes); the
    store's snapshot is the path for real data.

    Args:
        folder: A bundle folder.
        as_of: Only records recorded on or before this moment.

    Returns:
        (mentions, links) tables.
    """
    mentions: dict[str, list[Any]] = defaultdict(list)
    links: dict[str, list[Any]] = defaultdict(list)
    with (folder / "records.jsonl").open("rb") as lines:
        for line in lines:
            if not line.strip():
                continue
            record = orjson.loads(line)
            recorded_at = datetime.fromisoformat(record["recorded_at"]).astimezone(UTC)
            if as_of is not None and recorded_at > as_of:
                continue
            occurred = _partial(record.get("occurred_on"))
            for mention in record.get("mentions", []):
                mentions["record_id"].append(record["id"])
                mentions["mention_id"].append(None)
                for name in _MENTION_FIELDS:
                    value = mention.get(name)
                    if name == "identifiers":
                        value = (
                            orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()
                            if value
                            else None
                        )
                    elif name == "aliases":
                        value = list(value or [])
                    elif name == "age" and value is not None:
                        value = float(value)
                    mentions[name].append(value)
                mentions["agency"].append(record["agency"])
                mentions["kind"].append(record["kind"])
                mentions["recorded_at"].append(recorded_at)
                mentions["occurred_on"].append(record.get("occurred_on"))
                mentions["occurred_from"].append(occurred.earliest() if occurred else None)
                mentions["occurred_to"].append(occurred.latest() if occurred else None)
            for link in record.get("links", []):
                links["record_id"].append(record["id"])
                links["from_ref"].append(link["from"])
                links["to_ref"].append(link["to"])
                links["type"].append(link.get("type"))
    return (
        pa.table({n: mentions[n] for n in MENTIONS_SCHEMA.names}, schema=MENTIONS_SCHEMA),
        pa.table({n: links[n] for n in LINKS_SCHEMA.names}, schema=LINKS_SCHEMA),
    )


def _partial(text: str | None) -> PartialDate | None:
    if not text:
        return None
    try:
        return PartialDate.parse(text)
    except DateError:
        return None
