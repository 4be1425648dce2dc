"""Stable entity ids.

An entity keeps its id for as long as its membership persists: after a
re-link, each new entity takes the previous id most of its mentions held
(each previous id goes to one entity at most, the one holding most of its
mentions). An entity with no predecessor gets an id derived from its
smallest mention key, so a full re-link of the same data gives the same ids
even with nothing stored.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Mapping, Sequence

MentionKey = tuple[str, str]  # (record_id, ref)


def derived_id(entity_type: str, members: Sequence[MentionKey], salt: int = 0) -> str:
    """An id computed from the entity's smallest mention key.

    Args:
        entity_type: person, vehicle, phone, address or organisation.
        members: The entity's mention keys.
        salt: Bumped when the plain id is already taken.
    """
    record_id, ref = min(members)
    text = f"{record_id}\n{ref}\n{salt}" if salt else f"{record_id}\n{ref}"
    return f"{entity_type}-{hashlib.sha256(text.encode()).hexdigest()[:16]}"


def assign_ids(
    entities: Sequence[tuple[str, Sequence[MentionKey]]],
    previous: Mapping[MentionKey, str] | None = None,
) -> list[str]:
    """Ids for entities, inherited from a previous resolution where membership persists.

    Args:
        entities: (type, mention keys) of each entity.
        previous: Mention key -> the entity id it had before.

    Returns:
        One id per entity, in the same order, all distinct.
    """
    previous = previous or {}
    ids: list[str | None] = [None] * len(entities)
    # Candidate inheritances, the largest overlaps first; ties by id so the
    # outcome never depends on input order.
    candidates: list[tuple[int, str, int]] = []
    for index, (entity_type, members) in enumerate(entities):
        held = Counter(previous[m] for m in members if m in previous)
        candidates += [
            (-count, old, index) for old, count in held.items() if old.startswith(entity_type + "-")
        ]
    taken: set[str] = set()
    for _, old, index in sorted(candidates):
        if ids[index] is None and old not in taken:
            ids[index] = old
            taken.add(old)
    taken |= set(previous.values())
    result: list[str] = []
    for index, (entity_type, members) in enumerate(entities):
        found = ids[index]
        if found is None:
            salt = 0
            found = derived_id(entity_type, members)
            while found in taken:
                salt += 1
                found = derived_id(entity_type, members, salt)
            taken.add(found)
        result.append(found)
    return result
