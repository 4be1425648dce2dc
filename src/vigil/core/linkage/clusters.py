"""Groups of mentions joined pair by pair (a disjoint-set forest)."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)


class Clusters(Generic[K]):
    """Joins items into groups; every item added is in exactly one group."""

    def __init__(self, items: Iterable[K] = ()) -> None:
        self._parent: dict[K, K] = {}
        for item in items:
            self.add(item)

    def add(self, item: K) -> None:
        """Adds an item as a group of its own (no change when already present)."""
        self._parent.setdefault(item, item)

    def find(self, item: K) -> K:
        """The representative of the item's group."""
        self.add(item)
        root = item
        while self._parent[root] != root:
            root = self._parent[root]
        # Path compression keeps later look-ups short.
        while self._parent[item] != root:
            self._parent[item], item = root, self._parent[item]
        return root

    def join(self, a: K, b: K) -> None:
        """Puts a and b (and their groups) into one group."""
        root_a, root_b = self.find(a), self.find(b)
        if root_a != root_b:
            self._parent[root_b] = root_a

    def groups(self) -> list[list[K]]:
        """Every group, as a list of its items."""
        found: dict[K, list[K]] = {}
        for item in self._parent:
            found.setdefault(self.find(item), []).append(item)
        return list(found.values())
