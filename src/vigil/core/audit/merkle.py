"""A Merkle tree over the audit log, as Certificate Transparency defines it.

Leaves and interior nodes are hashed with different prefixes (RFC 6962 §2.1),
so a leaf can never be passed off as a node. The tree over n leaves is the
RFC's MTH: split at the largest power of two below n, recursively; it is not
padded to a power of two.

Proofs are built from the RFC 9162 definitions (§2.1.3.1 PATH, §2.1.4.1
SUBPROOF) and checked with its verification procedures (§2.1.3.2, §2.1.4.2).
Building a proof needs the roots of some ranges of leaves; the caller supplies
them through `RangeRoot`, so a log of millions of entries can stream each range
from the database instead of holding every leaf in memory. The ranges one proof
asks for never overlap, so a proof reads each leaf at most once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()
"""The root of the tree with no leaves: the hash of the empty string."""

RangeRoot = Callable[[int, int], bytes]
"""Returns the root of the tree over leaves [start, stop)."""


class ProofError(ValueError):
    """A proof was asked for something the tree does not hold."""


def leaf_hash(data: bytes) -> bytes:
    """The hash of one leaf: SHA-256(0x00 || data)."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """The hash of an interior node: SHA-256(0x01 || left || right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


class TreeBuilder:
    """Builds the root over leaf hashes appended one by one, in O(n) time.

    Keeps the roots of the perfect subtrees that the leaves so far make: one
    for each bit set in the count, largest first, like a binary counter. Folding
    them from the right gives exactly the RFC's MTH, because MTH splits off the
    largest power of two on the left at every level.
    """

    __slots__ = ("_size", "_stack")

    def __init__(self) -> None:
        self._stack: list[bytes] = []
        self._size = 0

    @property
    def size(self) -> int:
        """How many leaves have been appended."""
        return self._size

    def append(self, leaf: bytes) -> None:
        """Adds the next leaf hash (not the leaf's data)."""
        node = leaf
        size = self._size
        stack = self._stack
        while size & 1:  # a carry: two perfect subtrees of equal size merge
            node = node_hash(stack.pop(), node)
            size >>= 1
        stack.append(node)
        self._size += 1

    def extend(self, leaves: Iterable[bytes]) -> None:
        """Adds many leaf hashes."""
        for leaf in leaves:
            self.append(leaf)

    def root(self) -> bytes:
        """The root over the leaves so far (EMPTY_ROOT when there are none)."""
        if not self._stack:
            return EMPTY_ROOT
        node = self._stack[-1]
        for left in reversed(self._stack[:-1]):
            node = node_hash(left, node)
        return node


def root_of(leaves: Iterable[bytes]) -> bytes:
    """The root over a sequence of leaf hashes."""
    builder = TreeBuilder()
    builder.extend(leaves)
    return builder.root()


def list_range_root(leaves: Sequence[bytes]) -> RangeRoot:
    """A RangeRoot over leaf hashes held in memory."""
    return lambda start, stop: root_of(leaves[start:stop])


def _split(n: int) -> int:
    """The largest power of two smaller than n (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def inclusion_path(index: int, size: int, range_root: RangeRoot) -> list[bytes]:
    """The audit path proving leaf `index` is in the tree of `size` leaves (PATH)."""
    if not 0 <= index < size:
        raise ProofError(f"leaf {index} is not in a tree of {size} leaves")
    path: list[bytes] = []
    start, stop = 0, size
    # PATH recurses into the half holding the leaf and appends the other half's
    # root after the deeper part of the path, so collect top-down and reverse.
    while stop - start > 1:
        k = _split(stop - start)
        if index < start + k:
            path.append(range_root(start + k, stop))
            stop = start + k
        else:
            path.append(range_root(start, start + k))
            start += k
    path.reverse()
    return path


def consistency_path(old_size: int, new_size: int, range_root: RangeRoot) -> list[bytes]:
    """The proof that the tree of `old_size` leaves is a prefix of the one of `new_size`.

    Empty when old_size is 0 or equal to new_size: there is nothing to prove.
    """
    if not 0 <= old_size <= new_size:
        raise ProofError(f"no consistency proof from {old_size} to {new_size} leaves")
    if old_size in (0, new_size):
        return []
    path: list[bytes] = []
    m, start, stop = old_size, 0, new_size
    whole_old_tree = True  # SUBPROOF's b: is the range still the old tree's root?
    while m != stop - start:
        k = _split(stop - start)
        if m <= k:
            path.append(range_root(start + k, stop))
            stop = start + k
        else:
            path.append(range_root(start, start + k))
            start += k
            m -= k
            whole_old_tree = False
    if not whole_old_tree:
        path.append(range_root(start, stop))
    path.reverse()
    return path


def root_from_inclusion(index: int, size: int, leaf: bytes, path: Sequence[bytes]) -> bytes | None:
    """The root that an inclusion proof implies, or None if the proof is malformed.

    RFC 9162 §2.1.3.2: walk up from the leaf, the bits of the index and of the
    last index saying on which side each path hash sits.
    """
    if not 0 <= index < size:
        return None
    fn, sn = index, size - 1
    node = leaf
    for sibling in path:
        if sn == 0:
            return None  # more hashes than the tree has levels
        if fn & 1 or fn == sn:
            node = node_hash(sibling, node)
            if not fn & 1:
                # The right edge of an unbalanced tree: skip the levels where
                # this node has no sibling.
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            node = node_hash(node, sibling)
        fn >>= 1
        sn >>= 1
    return node if sn == 0 else None


def verify_inclusion(
    index: int, size: int, leaf: bytes, path: Sequence[bytes], root: bytes
) -> bool:
    """True when `path` proves leaf hash `leaf` sits at `index` in the tree with `root`."""
    return root_from_inclusion(index, size, leaf, path) == root


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, path: Sequence[bytes]
) -> bool:
    """True when `path` proves the old tree is a prefix of the new one (RFC 9162 §2.1.4.2)."""
    if not 0 <= old_size <= new_size:
        return False
    if old_size == new_size:
        return not path and old_root == new_root
    if old_size == 0:
        return not path  # every tree extends the empty one
    if not path:
        return False
    hashes = list(path)
    if old_size & (old_size - 1) == 0:
        # The old tree is a perfect subtree of the new one: its root starts the walk.
        hashes.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    old, new = hashes[0], hashes[0]
    for sibling in hashes[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            old = node_hash(sibling, old)
            new = node_hash(sibling, new)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            new = node_hash(new, sibling)
        fn >>= 1
        sn >>= 1
    return sn == 0 and old == old_root and new == new_root
