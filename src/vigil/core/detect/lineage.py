"""Entity lineage: where an entity id went when a re-link retired it.

Stable ids are inherited by majority membership (`vigil.core.linkage.ids`),
so a re-link that merges two people keeps one id and retires the other, and
one that splits a person may hand the old id to neither part. An alert is
keyed by its rule and subject ids, so without lineage it would be left
standing under the retired id while a "new" alert appears under the current
one. Each retired id is recorded with its successor, the current entity
holding most of its mentions; resolving an alert's subjects through that
chain finds the alert the new finding continues.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Hashable, Iterable, Mapping
from typing import TypeVar

from vigil.core.detect.finding import alert_key

K = TypeVar("K", bound=Hashable)


def successors(previous: Mapping[K, str], current: Mapping[K, str]) -> dict[str, tuple[str, int]]:
    """Each id the re-link retired, with its successor and how many mentions moved there.

    Args:
        previous: Mention key -> entity id before the re-link.
        current: Mention key -> entity id after it.

    Returns:
        Retired id -> (the current id holding most of its mentions, their count);
        ties go to the smaller id, so the answer never depends on input order. An
        id none of whose mentions are still held has no successor.
    """
    alive = set(current.values())
    moved: dict[str, Counter[str]] = {}
    for key, old in previous.items():
        if old in alive:
            continue
        new = current.get(key)
        if new is not None:
            moved.setdefault(old, Counter())[new] += 1
    return {
        old: min(counts.items(), key=lambda item: (-item[1], item[0]))
        for old, counts in moved.items()
    }


class Lineage:
    """Retired ids and their successors, followed to an id that is current.

    Args:
        moves: Retired id -> successor, the latest re-link's word on each id.
        current: The ids the latest linkage holds; an id in it is never
            followed further (a retired id may be derived again later).
    """

    def __init__(self, moves: Mapping[str, str], current: Collection[str] | None = None) -> None:
        self.moves = dict(moves)
        self.current = current

    def resolve(self, entity_id: str) -> str:
        """The id now holding what `entity_id` held (itself when it is current or unknown)."""
        seen = {entity_id}
        while (self.current is None or entity_id not in self.current) and (entity_id in self.moves):
            entity_id = self.moves[entity_id]
            if entity_id in seen:  # a cycle: stop where it closes
                break
            seen.add(entity_id)
        return entity_id

    def subjects(self, subject_ids: Iterable[str]) -> tuple[str, ...]:
        """Subjects resolved, sorted and without repeats (a merge may make two one)."""
        return tuple(sorted({self.resolve(s) for s in subject_ids}))

    def key(self, rule: str, subject_ids: Iterable[str]) -> str:
        """The key an alert on these subjects has now."""
        return alert_key(rule, self.subjects(subject_ids))

    def extend(self, moves: Mapping[str, str], current: Collection[str] | None = None) -> None:
        """Adds a later re-link's retirements (they win over earlier words on the same id)."""
        self.moves.update(moves)
        if current is not None:
            self.current = current
