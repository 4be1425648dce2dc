"""What ingest needs from the system of record. The Django layer provides it."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Protocol

from vigil.core.contract import Access, Action, Record, Rejection, Staff

Item = Staff | Record | Action | Access


@dataclass(frozen=True, slots=True)
class Prepared:
    """A valid line, ready to store.

    Attributes:
        item: The parsed line.
        content_hash: Hash of the line's canonical JSON: equal content, equal hash.
        line: Where it came from, for reports.
    """

    item: Item
    content_hash: str
    line: int


@dataclass
class Counts:
    """What happened to the lines of one bundle file."""

    read: int = 0
    new: int = 0
    new_versions: int = 0
    unchanged: int = 0
    rejected: int = 0
    seconds: float = 0.0

    def add(self, other: Counts) -> None:
        """Adds the stored outcome of a batch (new, new versions, unchanged)."""
        self.new += other.new
        self.new_versions += other.new_versions
        self.unchanged += other.unchanged

    def as_dict(self) -> dict[str, float]:
        """The counts by name."""
        return {
            "read": self.read,
            "new": self.new,
            "new_versions": self.new_versions,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "seconds": round(self.seconds, 3),
        }


@dataclass
class RunOutcome:
    """How a run ended, as the store records it."""

    status: str
    counts: dict[str, dict[str, float]] = field(default_factory=dict)


class IngestStore(Protocol):
    """The store's side of ingest. Each write is atomic: all of a batch or none of it."""

    def begin_run(self, *, source: str, strict: bool, ignored: Sequence[str]) -> int:
        """Records the start of a run and returns its id."""
        ...

    def write(self, run_id: int, kind: str, batch: Sequence[Prepared]) -> Counts:
        """Stores a batch of one file kind; unchanged items are counted, not stored again."""
        ...

    def known_mention_refs(self, record_ids: Collection[str]) -> dict[str, frozenset[str]]:
        """The mention refs of the current version of each stored record named."""
        ...

    def record_rejections(self, run_id: int, rejections: Sequence[Rejection]) -> None:
        """Keeps rejected lines so that they can be reviewed after the run."""
        ...

    def finish_run(self, run_id: int, outcome: RunOutcome) -> None:
        """Records how the run ended."""
        ...

    def all_or_nothing(self) -> AbstractContextManager[None]:
        """A transaction around a whole run: an exception inside undoes every write."""
        ...
