"""Receipt codes: how an anonymous complainant comes back to their complaint.

A code is 20 characters drawn by `secrets` from 32 letters and digits that
cannot be mistaken for one another (about 100 bits), shown in groups of four.
Only its SHA-256 is stored: with that much chance in it no salt is needed, and
the database alone cannot be used to come back as the complainant.
"""

from __future__ import annotations

import hashlib
import secrets

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no I, O, 0 or 1
LENGTH = 20
GROUP = 4


def new_receipt_code() -> str:
    """A fresh receipt code, e.g. `7KQF-M2XD-...`, for the complainant to keep."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return "-".join(raw[i : i + GROUP] for i in range(0, LENGTH, GROUP))


def normalise_receipt(text: str) -> str | None:
    """The code as typed, without spaces or dashes and in capitals; None if it cannot be one."""
    cleaned = "".join(ch for ch in text.upper() if ch not in " -\t")
    if len(cleaned) != LENGTH or any(ch not in ALPHABET for ch in cleaned):
        return None
    return cleaned


def receipt_hash(text: str) -> str | None:
    """The stored form of a receipt code (hex SHA-256), or None for text that is no code."""
    cleaned = normalise_receipt(text)
    if cleaned is None:
        return None
    return hashlib.sha256(cleaned.encode("ascii")).hexdigest()
