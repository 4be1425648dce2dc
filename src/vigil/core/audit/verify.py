"""Checking a whole log: every entry against its hash and its neighbour, every signed head.

Two checks catch different tampering. The hash chain catches an entry altered,
removed, inserted or moved by someone who did not recompute every later hash,
and names the first bad entry exactly. Signed heads catch the rest: a rewrite
that recomputed the chain, or entries cut from the end, cannot match a root
signed before it with a key the database does not hold.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from vigil.core.audit.entry import GENESIS_PREV, EntryRow, canonical_bytes
from vigil.core.audit.merkle import TreeBuilder, leaf_hash
from vigil.core.audit.signing import SignedTreeHead, signature_is_valid


class ProblemKind(StrEnum):
    """How the log was found to be wrong."""

    ALTERED = "altered"  # an entry's content does not give its stored hash
    MISSING = "missing"  # a sequence number is absent
    OUT_OF_ORDER = "out_of_order"  # a sequence number repeats or goes back
    CHAIN_BROKEN = "chain_broken"  # an entry's hash is not the one its successor recorded
    HEAD_MISMATCH = "head_mismatch"  # a signed head's root is not the log's root at that size
    HEAD_SIGNATURE = "head_signature"  # a stored head was not signed by the audit key
    TRUNCATED = "truncated"  # a signed head covers entries that are gone


@dataclass(frozen=True, slots=True)
class Problem:
    """The first thing found wrong.

    Attributes:
        kind: What is wrong.
        sequence: The first bad entry's sequence number. For a head mismatch,
            the first entry that no earlier good head vouches for: the bad one
            is at or after it and before the head's size.
        detail: One sentence for the person reading the result.
    """

    kind: ProblemKind
    sequence: int | None
    detail: str


@dataclass(frozen=True, slots=True)
class Verification:
    """What a verification found."""

    entries: int
    heads: int
    root: str
    problem: Problem | None

    @property
    def ok(self) -> bool:
        """True when nothing was found wrong."""
        return self.problem is None


class _Heads:
    """The signed heads still to check, smallest tree first."""

    def __init__(
        self, heads: Iterable[SignedTreeHead], public_key: Ed25519PublicKey | None
    ) -> None:
        self._pending = sorted(heads, key=lambda head: head.tree_size, reverse=True)
        self._public_key = public_key
        self.checked = 0
        self.vouched = 0  # entries below this size match a good signed head

    @property
    def next_size(self) -> int:
        return self._pending[-1].tree_size if self._pending else -1

    def check(self, size: int, root: bytes) -> Problem | None:
        """Checks every head of `size` against the recomputed `root`."""
        while self._pending and self._pending[-1].tree_size == size:
            head = self._pending.pop()
            self.checked += 1
            if self._public_key is not None and not signature_is_valid(head, self._public_key):
                return Problem(
                    ProblemKind.HEAD_SIGNATURE,
                    None,
                    f"the head for size {size} signed at {head.signed_at} does not carry a "
                    "valid signature by the audit key",
                )
            if head.root != root.hex():
                return Problem(
                    ProblemKind.HEAD_MISMATCH,
                    self.vouched,
                    f"the head signed at {head.signed_at} for the first {size} entries no "
                    f"longer matches: an entry from {self.vouched} to {size - 1} was altered, "
                    "removed or inserted after it was signed",
                )
            self.vouched = size
        return None

    def beyond(self, size: int) -> Problem | None:
        """A head for more entries than the log holds means entries were cut."""
        if not self._pending:
            return None
        head = self._pending[0]  # the largest
        return Problem(
            ProblemKind.TRUNCATED,
            size,
            f"the head signed at {head.signed_at} covers {head.tree_size} entries but the log "
            f"holds {size}: entries from {size} on are missing",
        )


def verify(
    entries: Iterable[EntryRow],
    signed_heads: Iterable[SignedTreeHead] = (),
    *,
    public_key: Ed25519PublicKey | None = None,
) -> Verification:
    """Checks a log and names the first bad entry.

    Args:
        entries: Every entry in sequence order. Read once, so a generator that
            streams batches keeps memory flat.
        signed_heads: The stored signed tree heads, in any order.
        public_key: The audit key; when given, each head's signature is checked too.

    Returns:
        The count, the recomputed root, and the first problem (None when intact).
    """
    heads = _Heads(signed_heads, public_key)
    builder = TreeBuilder()
    expected, prev = 0, GENESIS_PREV
    problem = heads.check(0, builder.root())
    next_head = heads.next_size
    for row in entries:
        if problem is not None:
            break
        seq, at, actor_kind, actor_id, agency, category, event, objects, reason, chained, stored = (
            row
        )
        if seq != expected:
            problem = _out_of_place(expected, seq)
            break
        leaf = leaf_hash(
            canonical_bytes(
                seq, at, actor_kind, actor_id, agency, category, event, objects, reason, chained
            )
        )
        if leaf.hex() != stored:
            problem = Problem(
                ProblemKind.ALTERED,
                expected,
                f"entry {expected} was altered: its content does not give its stored hash",
            )
        elif chained != prev:
            problem = Problem(
                ProblemKind.CHAIN_BROKEN,
                expected - 1,
                f"entry {expected - 1} is not the entry that entry {expected} follows: "
                f"entry {expected - 1} was altered and rehashed, or replaced",
            )
        else:
            builder.append(leaf)
            prev = stored
            expected += 1
            if expected == next_head:
                problem = heads.check(expected, builder.root())
                next_head = heads.next_size
    if problem is None:
        problem = heads.beyond(expected)
    return Verification(expected, heads.checked, builder.root().hex(), problem)


def _out_of_place(expected: int, seq: int) -> Problem:
    if seq > expected:
        return Problem(
            ProblemKind.MISSING, expected, f"entry {expected} is missing (next found: {seq})"
        )
    return Problem(
        ProblemKind.OUT_OF_ORDER,
        expected,
        f"entry {seq} appears where entry {expected} should be",
    )
