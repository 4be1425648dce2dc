"""Small hand-made detection inputs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from vigil.core.detect import Action, DetectInput, Link, Mention, Record

START = datetime(2010, 1, 1, tzinfo=UTC)


def day(n: int) -> datetime:
    return START + timedelta(days=n)


def record(
    record_id: str,
    when: int,
    people: list[tuple[str, str, float | None]],
    *,
    agency: str = "police",
    kind: str = "intelligence",
    offence: str | None = None,
    others: list[tuple[str, str, str | None]] = (),  # type: ignore[assignment]
    links: list[tuple[str, str, str]] = (),  # type: ignore[assignment]
) -> tuple[Record, list[Mention], list[Link]]:
    """A record naming people (entity, role, age) and other entities (entity, type, role)."""
    rec = Record(record_id, agency, kind, day(when), offence, day(when).date())
    mentions = [
        Mention(record_id, f"p{i}", entity, "person", role, age)
        for i, (entity, role, age) in enumerate(people)
    ]
    mentions += [
        Mention(record_id, f"o{i}", entity, kind_, role)
        for i, (entity, kind_, role) in enumerate(others)
    ]
    refs = {m.entity_id: m.ref for m in mentions}
    return rec, mentions, [Link(record_id, refs[a], refs[b], t) for a, b, t in links]


def build(*parts: tuple[Record, list[Mention], list[Link]], actions: Any = ()) -> DetectInput:
    return DetectInput(
        records=tuple(p[0] for p in parts),
        mentions=tuple(m for p in parts for m in p[1]),
        links=tuple(link for p in parts for link in p[2]),
        actions=tuple(actions),
    )


def action(
    action_id: str, when: int, kind: str, records: tuple[str, ...], rationale: str | None = None
) -> Action:
    return Action(action_id, "police", kind, day(when), records, (), rationale)


def concern(record_id: str, when: int, adult: str, child: str, **kw: Any) -> Any:
    """A concern record: a child (14) with an adult associate."""
    return record(record_id, when, [(child, "subject", 14), (adult, "associate", 30)], **kw)
