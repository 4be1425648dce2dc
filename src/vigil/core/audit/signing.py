"""Signed tree heads: the log's root at a size, signed with Ed25519.

The private key lives in a file outside the database (0600, created on first
use), so someone who can rewrite the database cannot re-sign a rewritten log.
Auditors hold the public key and earlier heads; a head they hold that no
longer matches the log, or a consistency proof that fails, shows tampering.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

LOG_ID = "vigil-audit-v1"


class AuditKeyError(RuntimeError):
    """The signing key cannot be used (unreadable, wrong type, readable by others)."""


@dataclass(frozen=True, slots=True)
class SignedTreeHead:
    """The root over the first `tree_size` entries, when it was signed, and the signature."""

    tree_size: int
    root: str  # hex
    signed_at: str  # the entries' fixed-width UTC form
    key_id: str  # hex SHA-256 of the raw public key
    signature: str  # hex

    def message(self) -> bytes:
        """The bytes that are signed."""
        return head_message(self.tree_size, self.root, self.signed_at)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form, as proofs and exports carry it."""
        return {
            "tree_size": self.tree_size,
            "root": self.root,
            "signed_at": self.signed_at,
            "key_id": self.key_id,
            "signature": self.signature,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SignedTreeHead:
        """Reads `as_dict`'s form back."""
        return cls(
            tree_size=int(data["tree_size"]),
            root=str(data["root"]),
            signed_at=str(data["signed_at"]),
            key_id=str(data["key_id"]),
            signature=str(data["signature"]),
        )


def head_message(tree_size: int, root: str, signed_at: str) -> bytes:
    """Canonical JSON (sorted keys, no whitespace) naming the log, size, root and time."""
    return orjson.dumps(
        {"log": LOG_ID, "root": root, "signed_at": signed_at, "tree_size": tree_size}
    )


def key_id(public_key: Ed25519PublicKey) -> str:
    """A short name for a key: the hex SHA-256 of its 32 raw bytes."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def sign_head(
    private_key: Ed25519PrivateKey, *, tree_size: int, root: bytes, signed_at: str
) -> SignedTreeHead:
    """Signs the root over the first `tree_size` entries."""
    root_hex = root.hex()
    signature = private_key.sign(head_message(tree_size, root_hex, signed_at))
    return SignedTreeHead(
        tree_size=tree_size,
        root=root_hex,
        signed_at=signed_at,
        key_id=key_id(private_key.public_key()),
        signature=signature.hex(),
    )


def signature_is_valid(head: SignedTreeHead, public_key: Ed25519PublicKey) -> bool:
    """True when `head` was signed by the holder of `public_key`'s private key."""
    try:
        public_key.verify(bytes.fromhex(head.signature), head.message())
    except (InvalidSignature, ValueError):
        return False
    return True


def load_or_create_key(path: Path) -> Ed25519PrivateKey:
    """Loads the signing key from `path`, creating it (mode 0600) if there is none.

    Refuses a key file that others can read: a leaked key lets anyone sign a
    rewritten log.
    """
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _load_key(path)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    return key


def _load_key(path: Path) -> Ed25519PrivateKey:
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise AuditKeyError(f"{path}: the audit key must be readable by its owner only (0600)")
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (ValueError, TypeError) as error:
        raise AuditKeyError(f"{path}: not a PEM private key") from error
    if not isinstance(key, Ed25519PrivateKey):
        raise AuditKeyError(f"{path}: not an Ed25519 key")
    return key


def public_key_pem(public_key: Ed25519PublicKey) -> str:
    """The public key as PEM (SubjectPublicKeyInfo), to hand to auditors."""
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def load_public_key(pem: bytes) -> Ed25519PublicKey:
    """Reads a PEM public key as `public_key_pem` writes it."""
    try:
        key = serialization.load_pem_public_key(pem)
    except ValueError as error:
        raise AuditKeyError("not a PEM public key") from error
    if not isinstance(key, Ed25519PublicKey):
        raise AuditKeyError("not an Ed25519 public key")
    return key
