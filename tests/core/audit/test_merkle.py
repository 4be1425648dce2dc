"""The Merkle tree against a direct transcription of RFC 6962's definitions."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vigil.core.audit.merkle import (
    EMPTY_ROOT,
    ProofError,
    TreeBuilder,
    consistency_path,
    inclusion_path,
    leaf_hash,
    node_hash,
    root_of,
    verify_consistency,
    verify_inclusion,
)
from vigil.core.audit.merkle import list_range_root as range_root_over

DATA = [f"entry {i}".encode() for i in range(2100)]
LEAVES = [leaf_hash(d) for d in DATA]
RANGE_ROOT = range_root_over(LEAVES)


def mth(data: list[bytes]) -> bytes:
    """MTH exactly as RFC 6962 §2.1 writes it: recursive, split at the largest power of 2 < n."""
    n = len(data)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return hashlib.sha256(b"\x00" + data[0]).digest()
    k = 1
    while k * 2 < n:
        k *= 2
    return hashlib.sha256(b"\x01" + mth(data[:k]) + mth(data[k:])).digest()


ROOTS = [mth(DATA[:n]) for n in range(70)]


def test_hashes_are_domain_separated() -> None:
    assert leaf_hash(b"x") == hashlib.sha256(b"\x00x").digest()
    assert node_hash(b"a", b"b") == hashlib.sha256(b"\x01ab").digest()
    assert root_of([]) == EMPTY_ROOT == hashlib.sha256(b"").digest()


@pytest.mark.parametrize("n", range(70))
def test_tree_head_matches_the_rfc_definition(n: int) -> None:
    assert root_of(LEAVES[:n]) == ROOTS[n]


def test_builder_gives_every_intermediate_root() -> None:
    builder = TreeBuilder()
    for n, leaf in enumerate(LEAVES[:69], start=1):
        builder.append(leaf)
        assert builder.size == n
        assert builder.root() == ROOTS[n]


def test_known_vector() -> None:
    # RFC 6962's empty-tree root, as published in its test data.
    assert root_of([]).hex() == ("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")


def test_inclusion_proofs_for_every_leaf_up_to_40() -> None:
    for n in range(1, 41):
        for index in range(n):
            path = inclusion_path(index, n, RANGE_ROOT)
            assert verify_inclusion(index, n, LEAVES[index], path, ROOTS[n])
            # The same path proves nothing for another leaf, index or size.
            assert not verify_inclusion(index, n, LEAVES[index + 1], path, ROOTS[n])
            if n > 1:
                other = (index + 1) % n
                assert not verify_inclusion(other, n, LEAVES[index], path, ROOTS[n])
            assert not verify_inclusion(index, n + 1, LEAVES[index], path, ROOTS[n + 1])
            for position in range(len(path)):
                bent = [*path]
                bent[position] = bytes(32)
                assert not verify_inclusion(index, n, LEAVES[index], bent, ROOTS[n])
            assert not verify_inclusion(index, n, LEAVES[index], [*path, bytes(32)], ROOTS[n])
            if path:
                assert not verify_inclusion(index, n, LEAVES[index], path[:-1], ROOTS[n])


def test_consistency_proofs_for_every_pair_up_to_40() -> None:
    for n in range(41):
        for m in range(n + 1):
            path = consistency_path(m, n, RANGE_ROOT)
            assert verify_consistency(m, n, ROOTS[m], ROOTS[n], path), (m, n)
            if 0 < m < n:
                assert path
                # A changed old tree, new tree or proof hash is caught.
                assert not verify_consistency(m, n, ROOTS[m - 1], ROOTS[n], path)
                assert not verify_consistency(m, n, ROOTS[m], ROOTS[n - 1], path)
                for position in range(len(path)):
                    bent = [*path]
                    bent[position] = bytes(32)
                    assert not verify_consistency(m, n, ROOTS[m], ROOTS[n], bent)
                assert not verify_consistency(m, n, ROOTS[m], ROOTS[n], [*path, bytes(32)])
                assert not verify_consistency(m, n, ROOTS[m], ROOTS[n], path[:-1])
                assert not verify_consistency(m, n + 1, ROOTS[m], ROOTS[n + 1], path)


def test_a_tree_with_an_altered_early_leaf_is_not_consistent() -> None:
    altered = [*LEAVES[:20]]
    altered[3] = leaf_hash(b"rewritten")
    path = consistency_path(8, 20, range_root_over(altered))
    assert not verify_consistency(8, 20, ROOTS[8], root_of(altered), path)


def test_proofs_out_of_range_are_refused() -> None:
    with pytest.raises(ProofError):
        inclusion_path(5, 5, RANGE_ROOT)
    with pytest.raises(ProofError):
        consistency_path(6, 5, RANGE_ROOT)
    assert not verify_inclusion(5, 5, LEAVES[5], [], ROOTS[5])
    assert not verify_consistency(6, 5, ROOTS[6], ROOTS[5], [])


@given(st.integers(1, 2000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_consistency_for_any_sizes(sizes: tuple[int, int]) -> None:
    m, n = sizes
    path = consistency_path(m, n, RANGE_ROOT)
    assert len(path) <= 2 * n.bit_length()
    assert verify_consistency(m, n, root_of(LEAVES[:m]), root_of(LEAVES[:n]), path)


@given(st.integers(1, 2000).flatmap(lambda n: st.tuples(st.integers(0, n - 1), st.just(n))))
def test_inclusion_for_any_sizes(position: tuple[int, int]) -> None:
    index, n = position
    path = inclusion_path(index, n, RANGE_ROOT)
    assert len(path) <= n.bit_length()
    assert verify_inclusion(index, n, LEAVES[index], path, root_of(LEAVES[:n]))
