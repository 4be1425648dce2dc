"""Verification of a whole log: each kind of tampering is found and the first bad entry named."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from vigil.core.audit import (
    GENESIS_PREV,
    Actor,
    Category,
    EntryRow,
    Event,
    ObjectKind,
    ObjectRef,
    ProblemKind,
    SignedTreeHead,
    format_at,
    new_entry,
    root_of,
    sign_head,
    verify,
)

KEY = Ed25519PrivateKey.generate()
START = datetime(2024, 1, 1, tzinfo=UTC)


def chain(rows: list[EntryRow]) -> list[EntryRow]:
    """Renumbers and rehashes rows as an attacker who knows the format would."""
    out: list[EntryRow] = []
    prev = GENESIS_PREV
    for seq, row in enumerate(rows):
        fixed = new_entry(
            seq=seq,
            at=datetime.fromisoformat(row.at),
            actor=Actor(row.actor_kind, row.actor_id, row.actor_agency),
            category=Category(row.category) if row.category else None,
            event=Event(row.event),
            objects=[ObjectRef.parse(ref) for ref in row.objects.split()],
            reason=row.reason,
            prev=prev,
        )
        out.append(fixed)
        prev = fixed.leaf
    return out


def make_log(n: int) -> list[EntryRow]:
    rows: list[EntryRow] = []
    prev = GENESIS_PREV
    for seq in range(n):
        row = new_entry(
            seq=seq,
            at=START + timedelta(minutes=seq),
            actor=Actor.user(f"user-{seq % 3}", agency="police"),
            category=Category.CONSULTATION,
            event=Event.VIEW,
            objects=[ObjectRef(ObjectKind.RECORD, f"r-{seq}")],
            reason="case review",
            prev=prev,
        )
        rows.append(row)
        prev = row.leaf
    return rows


def head(rows: list[EntryRow], size: int) -> SignedTreeHead:
    root = root_of(bytes.fromhex(row.leaf) for row in rows[:size])
    return sign_head(KEY, tree_size=size, root=root, signed_at=format_at(START))


LOG = make_log(20)
HEADS = [head(LOG, 8), head(LOG, 20)]


def check(rows: list[EntryRow], heads: list[SignedTreeHead] = HEADS) -> tuple[ProblemKind, int]:
    result = verify(rows, heads, public_key=KEY.public_key())
    assert not result.ok
    assert result.problem is not None
    assert result.problem.sequence is not None
    return result.problem.kind, result.problem.sequence


def test_an_intact_log_verifies() -> None:
    result = verify(LOG, HEADS, public_key=KEY.public_key())
    assert result.ok, result.problem
    assert (result.entries, result.heads) == (20, 2)
    assert result.root == HEADS[1].root
    assert verify([], []).ok


def test_an_altered_field_is_named() -> None:
    rows = [*LOG]
    rows[11] = rows[11]._replace(reason="nothing to see")
    assert check(rows) == (ProblemKind.ALTERED, 11)
    rows[5] = rows[5]._replace(actor_id="user-9")
    assert check(rows) == (ProblemKind.ALTERED, 5)


def test_an_altered_and_rehashed_entry_breaks_the_chain_at_it() -> None:
    rows = [*LOG]
    rehashed = chain(rows[:12])  # entry 11 altered, rehashed; entry 12 still names the old one
    rehashed[11] = chain([*rows[:11], rows[11]._replace(reason="nothing")])[11]
    assert check([*rehashed, *rows[12:]]) == (ProblemKind.CHAIN_BROKEN, 11)


def test_a_deleted_entry_is_named() -> None:
    assert check([*LOG[:6], *LOG[7:]]) == (ProblemKind.MISSING, 6)
    assert check(LOG[1:]) == (ProblemKind.MISSING, 0)


def test_a_deletion_with_renumbering_is_named() -> None:
    renumbered = [*LOG[:6], *(row._replace(seq=row.seq - 1) for row in LOG[7:])]
    assert check(renumbered) == (ProblemKind.ALTERED, 6)


def test_an_inserted_entry_is_named() -> None:
    forged = LOG[4]._replace(seq=5, reason="backdated")
    shifted = [row._replace(seq=row.seq + 1) for row in LOG[5:]]
    assert check([*LOG[:5], forged, *shifted]) == (ProblemKind.ALTERED, 5)


def test_reordered_entries_are_named() -> None:
    swapped = [*LOG]
    swapped[9], swapped[10] = LOG[10]._replace(seq=9), LOG[9]._replace(seq=10)
    assert check(swapped) == (ProblemKind.ALTERED, 9)
    moved = [*LOG]
    moved[9], moved[10] = LOG[10], LOG[9]  # read out of sequence order
    assert check(moved) == (ProblemKind.MISSING, 9)
    assert check([*LOG[:10], LOG[9], *LOG[10:]]) == (ProblemKind.OUT_OF_ORDER, 10)


def test_a_rewrite_that_recomputes_the_chain_fails_the_earlier_signed_head() -> None:
    rewritten = chain([*LOG[:3], *LOG[4:]])  # entry 3 removed, every hash recomputed
    assert verify(rewritten).ok  # the chain alone cannot tell
    assert check(rewritten) == (ProblemKind.HEAD_MISMATCH, 0)
    later = chain([*LOG[:10], *LOG[11:]])  # after the head at 8: the head at 20 catches it
    assert check(later) == (ProblemKind.TRUNCATED, 19)
    assert check(later, [HEADS[0], head(LOG, 15)]) == (ProblemKind.HEAD_MISMATCH, 8)


def test_cutting_the_end_fails_the_signed_head() -> None:
    assert check(LOG[:17]) == (ProblemKind.TRUNCATED, 17)
    assert verify(LOG[:17]).ok  # without heads, a shorter log looks whole


def test_a_forged_head_is_refused() -> None:
    forged = replace(
        HEADS[0],
        signature=sign_head(
            Ed25519PrivateKey.generate(),
            tree_size=8,
            root=bytes.fromhex(HEADS[0].root),
            signed_at=HEADS[0].signed_at,
        ).signature,
    )
    result = verify(LOG, [forged], public_key=KEY.public_key())
    assert result.problem is not None
    assert result.problem.kind is ProblemKind.HEAD_SIGNATURE


@pytest.mark.parametrize("position", [0, 7, 8, 19])
def test_every_single_field_change_is_caught(position: int) -> None:
    for field in EntryRow._fields:
        value = getattr(LOG[position], field)
        changed = value + 1 if isinstance(value, int) else (value or "") + "x"
        rows = [*LOG]
        rows[position] = LOG[position]._replace(**{field: changed})
        result = verify(rows, HEADS, public_key=KEY.public_key())
        assert result.problem is not None, field
        assert result.problem.sequence in (position, position - 1) or field == "seq"
