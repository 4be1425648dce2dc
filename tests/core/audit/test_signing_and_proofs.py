"""The signing key on disk, signed heads, and offline checks of proof documents."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from vigil.core.audit import (
    AuditKeyError,
    SignedTreeHead,
    check_proof,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    load_or_create_key,
    load_public_key,
    public_key_pem,
    root_of,
    sign_head,
    signature_is_valid,
)
from vigil.core.audit.merkle import list_range_root

KEY = Ed25519PrivateKey.generate()
ENTRIES = [b'{"seq":%d,"v":1}' % i for i in range(30)]
LEAVES = [leaf_hash(e) for e in ENTRIES]


def head_at(size: int, leaves: list[bytes] = LEAVES) -> SignedTreeHead:
    return sign_head(KEY, tree_size=size, root=root_of(leaves[:size]), signed_at="2024")


def test_key_is_created_owner_only_and_reloaded(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "audit.pem"
    key = load_or_create_key(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    again = load_or_create_key(path)
    assert public_key_pem(again.public_key()) == public_key_pem(key.public_key())
    path.chmod(0o644)
    with pytest.raises(AuditKeyError, match="0600"):
        load_or_create_key(path)


def test_heads_verify_only_with_their_key() -> None:
    signed = head_at(10)
    assert signature_is_valid(signed, KEY.public_key())
    assert not signature_is_valid(signed, Ed25519PrivateKey.generate().public_key())
    moved = SignedTreeHead(**{**signed.as_dict(), "tree_size": 11})
    assert not signature_is_valid(moved, KEY.public_key())
    pem = public_key_pem(KEY.public_key()).encode()
    assert signature_is_valid(signed, load_public_key(pem))


def test_consistency_proof_checks_offline_and_names_a_rewrite() -> None:
    old, new = head_at(12), head_at(30)
    public = load_public_key(public_key_pem(KEY.public_key()).encode())
    document = consistency_proof(old=old, new=new, range_root=list_range_root(LEAVES))
    assert check_proof(document, public, held_head=old).ok

    rewritten = [*LEAVES]
    del rewritten[4]  # an entry the auditor's head covers is removed...
    rewritten.append(leaf_hash(b"padding"))
    new_after = head_at(30, rewritten)  # ...and the operator signs the new log
    document = consistency_proof(old=old, new=new_after, range_root=list_range_root(rewritten))
    result = check_proof(document, public, held_head=old)
    assert not result.ok
    assert "altered or removed" in result.detail


def test_proofs_must_start_from_the_held_head_and_be_signed() -> None:
    old, new = head_at(12), head_at(30)
    document = consistency_proof(old=old, new=new, range_root=list_range_root(LEAVES))
    assert not check_proof(document, KEY.public_key(), held_head=head_at(11)).ok
    other_key = Ed25519PrivateKey.generate().public_key()
    assert not check_proof(document, other_key).ok
    assert not check_proof({"log": "vigil-audit-v1", "type": "consistency"}, KEY.public_key()).ok
    assert not check_proof({"type": "inclusion"}, KEY.public_key()).ok


def test_inclusion_proof_checks_the_entry_itself() -> None:
    signed = head_at(30)
    document = inclusion_proof(
        entry=ENTRIES[17], index=17, head=signed, range_root=list_range_root(LEAVES)
    )
    assert check_proof(document, KEY.public_key(), held_head=signed).ok
    assert not check_proof({**document, "entry": ENTRIES[16].decode()}, KEY.public_key()).ok
    altered = {**document, "entry": ENTRIES[17].decode().replace("1}", "2}")}
    assert not check_proof(altered, KEY.public_key()).ok
