"""The key from pseudonym to person, sealed: encrypted with a key kept outside the database.

A published report says "Child A"; only the sealed key says who Child A is.
It is encrypted (Fernet: AES-128 in CBC mode with an HMAC) under a key held
in a file, not in the database, so a copy of the database alone cannot
undo a single pseudonym. Who may open it, and the logging of every opening,
are the web layer's job.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from vigil.core.publish.pseudonyms import KeyEntry


class SealBrokenError(ValueError):
    """A sealed key that will not open: another sealing key, or altered."""


def load_or_create_seal_key(path: Path) -> bytes:
    """The sealing key in `path`, made (readable by its owner only) on first use.

    Args:
        path: The key file, outside the database.

    Returns:
        The key, as Fernet takes it.
    """
    if path.exists():
        return path.read_bytes().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Fernet.generate_key()
    # Created 0600 in one step, so the key is never readable by others, even briefly.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(key + b"\n")
    return key


def seal(entries: Iterable[KeyEntry], key: bytes) -> bytes:
    """The entries of a pseudonym key, encrypted.

    Args:
        entries: What each pseudonym stands for.
        key: The sealing key.

    Returns:
        An opaque token, safe to store beside the report.
    """
    plain = json.dumps([asdict(entry) for entry in entries], ensure_ascii=False)
    return Fernet(key).encrypt(plain.encode("utf-8"))


def unseal(token: bytes, key: bytes) -> list[KeyEntry]:
    """The entries of a sealed pseudonym key.

    Args:
        token: What `seal` returned.
        key: The sealing key it was sealed with.

    Raises:
        SealBrokenError: When the token was sealed with another key or altered.
    """
    try:
        plain = Fernet(key).decrypt(token)
    except InvalidToken:
        raise SealBrokenError("the sealed key does not open with this sealing key") from None
    return [
        KeyEntry(row["pseudonym"], row["kind"], row["entity_id"], tuple(row["written"]))
        for row in json.loads(plain)
    ]
