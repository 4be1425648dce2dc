"""Proof documents for auditors, and the offline check of them.

An auditor holds the audit public key and some signed heads they were given
earlier. An inclusion proof shows an entry is in the log under a signed head;
a consistency proof shows the log under an earlier signed head is an unaltered
prefix of the log under a later one, so nothing before was changed or removed.
Both are JSON documents that `check_proof` verifies with nothing but the
public key: no database, no Vigil installation beyond this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from vigil.core.audit.merkle import (
    RangeRoot,
    consistency_path,
    inclusion_path,
    leaf_hash,
    verify_consistency,
    verify_inclusion,
)
from vigil.core.audit.signing import LOG_ID, SignedTreeHead, signature_is_valid


def inclusion_proof(
    *, entry: bytes, index: int, head: SignedTreeHead, range_root: RangeRoot
) -> dict[str, Any]:
    """A document proving the entry with canonical bytes `entry` is leaf `index` under `head`."""
    path = inclusion_path(index, head.tree_size, range_root)
    return {
        "type": "inclusion",
        "log": LOG_ID,
        "leaf_index": index,
        "entry": entry.decode(),
        "leaf_hash": leaf_hash(entry).hex(),
        "path": [node.hex() for node in path],
        "head": head.as_dict(),
    }


def consistency_proof(
    *, old: SignedTreeHead, new: SignedTreeHead, range_root: RangeRoot
) -> dict[str, Any]:
    """A document proving the log under `old` is a prefix of the log under `new`."""
    path = consistency_path(old.tree_size, new.tree_size, range_root)
    return {
        "type": "consistency",
        "log": LOG_ID,
        "old_head": old.as_dict(),
        "new_head": new.as_dict(),
        "path": [node.hex() for node in path],
    }


@dataclass(frozen=True, slots=True)
class ProofCheck:
    """The outcome of checking a proof document."""

    ok: bool
    detail: str


def check_proof(
    document: dict[str, Any],
    public_key: Ed25519PublicKey,
    *,
    held_head: SignedTreeHead | None = None,
) -> ProofCheck:
    """Checks a proof document offline.

    Args:
        document: What `inclusion_proof` or `consistency_proof` produced.
        public_key: The audit key the heads must be signed with.
        held_head: A head the auditor kept from earlier. For a consistency
            proof it must be the proof's old head; for an inclusion proof, the
            proof's head. Without it, the check shows only that the log's
            operator signed both heads and that they agree.
    """
    try:
        if document.get("log") != LOG_ID:
            return ProofCheck(False, "not a proof about a Vigil audit log")
        if document.get("type") == "inclusion":
            return _check_inclusion(document, public_key, held_head)
        if document.get("type") == "consistency":
            return _check_consistency(document, public_key, held_head)
    except (KeyError, TypeError, ValueError) as error:
        return ProofCheck(False, f"malformed proof: {error}")
    return ProofCheck(False, "unknown proof type")


def _signed(head: SignedTreeHead, public_key: Ed25519PublicKey, name: str) -> ProofCheck | None:
    if not signature_is_valid(head, public_key):
        return ProofCheck(False, f"the {name} is not signed by this audit key")
    return None


def _held_matches(head: SignedTreeHead, held: SignedTreeHead | None) -> ProofCheck | None:
    if held is not None and (held.tree_size, held.root) != (head.tree_size, head.root):
        return ProofCheck(
            False,
            f"the proof's head (size {head.tree_size}) is not the head you hold "
            f"(size {held.tree_size}, root {held.root[:16]}…)",
        )
    return None


def _check_inclusion(
    document: dict[str, Any], public_key: Ed25519PublicKey, held: SignedTreeHead | None
) -> ProofCheck:
    head = SignedTreeHead.from_dict(document["head"])
    failure = _held_matches(head, held) or _signed(head, public_key, "head")
    if failure:
        return failure
    entry = str(document["entry"]).encode()
    index = int(document["leaf_index"])
    if orjson.loads(entry).get("seq") != index:
        return ProofCheck(False, f"the entry is not entry {index}")
    path = [bytes.fromhex(node) for node in document["path"]]
    if not verify_inclusion(
        index, head.tree_size, leaf_hash(entry), path, bytes.fromhex(head.root)
    ):
        return ProofCheck(False, f"entry {index} is not in the log under this head")
    return ProofCheck(
        True, f"entry {index} is in the log of {head.tree_size} entries signed at {head.signed_at}"
    )


def _check_consistency(
    document: dict[str, Any], public_key: Ed25519PublicKey, held: SignedTreeHead | None
) -> ProofCheck:
    old = SignedTreeHead.from_dict(document["old_head"])
    new = SignedTreeHead.from_dict(document["new_head"])
    failure = (
        _held_matches(old, held)
        or _signed(old, public_key, "old head")
        or _signed(new, public_key, "new head")
    )
    if failure:
        return failure
    path = [bytes.fromhex(node) for node in document["path"]]
    if not verify_consistency(
        old.tree_size, new.tree_size, bytes.fromhex(old.root), bytes.fromhex(new.root), path
    ):
        return ProofCheck(
            False,
            f"the log of {new.tree_size} entries does not extend the log of {old.tree_size} "
            "entries unchanged: something before was altered or removed",
        )
    return ProofCheck(
        True,
        f"the first {old.tree_size} entries signed at {old.signed_at} are unchanged in the "
        f"log of {new.tree_size} entries signed at {new.signed_at}",
    )
