"""What detection reads: records, their mentions resolved to entities, links, actions.

Mentions carry no ethnicity, nationality or religion: detection cannot read
what it is never given. The web layer builds these from the store's snapshot;
`read_bundle_inputs` builds them from a bundle folder for tests and benchmarks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import orjson

from vigil.core.normalise.dates import DateError, PartialDate

MentionKey = tuple[str, str]  # (record id, ref)


@dataclass(frozen=True, slots=True)
class Record:
    """A record as known at the detection date."""

    record_id: str
    agency: str
    kind: str
    recorded_at: datetime
    offence: str | None = None
    occurred: date | None = None  # earliest day the event can have happened


@dataclass(frozen=True, slots=True)
class Mention:
    """A mention, with the entity linkage resolved it to."""

    record_id: str
    ref: str
    entity_id: str
    type: str
    role: str | None = None
    age: float | None = None
    dob: str | None = None


@dataclass(frozen=True, slots=True)
class Link:
    """A relationship a record states between two of its mentions."""

    record_id: str
    from_ref: str
    to_ref: str
    type: str | None = None


@dataclass(frozen=True, slots=True)
class Action:
    """A response to records: an investigation, a plan, no further action."""

    action_id: str
    agency: str
    kind: str
    taken_at: datetime
    record_ids: tuple[str, ...] = ()
    subjects: tuple[MentionKey, ...] = ()
    rationale: str | None = None


@dataclass(frozen=True, slots=True)
class DetectInput:
    """Everything one detection run reads."""

    records: tuple[Record, ...]
    mentions: tuple[Mention, ...]
    links: tuple[Link, ...] = ()
    actions: tuple[Action, ...] = field(default=())


@lru_cache(maxsize=65536)
def occurred_date(text: str | None) -> date | None:
    """The earliest day a possibly partial ISO date can mean, or None.

    Cached: detection asks again for every date of birth at every replay step.
    """
    if not text:
        return None
    try:
        return PartialDate.parse(text).earliest()
    except DateError:
        return None


def _moment(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def read_bundle_inputs(
    folder: Path, entity_of: Mapping[MentionKey, str], *, as_of: datetime | None = None
) -> DetectInput:
    """Detection input from a bundle folder and an entity for every mention.

    Lines are trusted to be valid (this reads what the scenario writes).

    Args:
        folder: A bundle folder with records.jsonl and, optionally, actions.jsonl.
        entity_of: Entity id by (record id, ref); unmapped mentions stand alone.
        as_of: Only records and actions dated on or before this moment.
    """
    records: list[Record] = []
    mentions: list[Mention] = []
    links: list[Link] = []
    for row in _lines(folder / "records.jsonl"):
        recorded_at = _moment(row["recorded_at"])
        if as_of is not None and recorded_at > as_of:
            continue
        records.append(
            Record(
                record_id=row["id"],
                agency=row["agency"],
                kind=row["kind"],
                recorded_at=recorded_at,
                offence=row.get("offence"),
                occurred=occurred_date(row.get("occurred_on")),
            )
        )
        for m in row.get("mentions") or ():
            key = (row["id"], m["ref"])
            mentions.append(
                Mention(
                    record_id=row["id"],
                    ref=m["ref"],
                    entity_id=entity_of.get(key, f"mention:{key[0]}:{key[1]}"),
                    type=m["type"],
                    role=m.get("role"),
                    age=None if m.get("age") is None else float(m["age"]),
                    dob=m.get("dob"),
                )
            )
        links.extend(
            Link(row["id"], link["from"], link["to"], link.get("type"))
            for link in row.get("links") or ()
        )
    actions: list[Action] = []
    if (folder / "actions.jsonl").exists():
        for row in _lines(folder / "actions.jsonl"):
            taken_at = _moment(row["taken_at"])
            if as_of is not None and taken_at > as_of:
                continue
            actions.append(
                Action(
                    action_id=row["id"],
                    agency=row["agency"],
                    kind=row["kind"],
                    taken_at=taken_at,
                    record_ids=tuple(row.get("record_ids") or ()),
                    subjects=tuple((s["record_id"], s["ref"]) for s in row.get("subjects") or ()),
                    rationale=row.get("rationale"),
                )
            )
    return DetectInput(tuple(records), tuple(mentions), tuple(links), tuple(actions))


def _lines(path: Path) -> list[dict[str, Any]]:
    with path.open("rb") as handle:
        return [orjson.loads(line) for line in handle if line.strip()]
