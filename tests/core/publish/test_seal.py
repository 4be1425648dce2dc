"""The sealed key: opens only with the sealing key, which is kept in a file of its own."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from vigil.core.publish import KeyEntry
from vigil.core.publish.seal import SealBrokenError, load_or_create_seal_key, seal, unseal

ENTRIES = [
    KeyEntry("Child A", "person", "p-1", ("Kayleigh Smith", "SMITH, Kayleigh")),
    KeyEntry("Vehicle 1", "vehicle", "v-1", ("YB02 KLM",)),
]


def test_a_sealed_key_opens_with_its_key_and_shows_nothing_without(tmp_path: Path) -> None:
    key = load_or_create_seal_key(tmp_path / "keys" / "seal.key")
    token = seal(ENTRIES, key)
    assert b"Kayleigh" not in token and b"YB02" not in token
    assert unseal(token, key) == ENTRIES
    with pytest.raises(SealBrokenError):
        unseal(token, load_or_create_seal_key(tmp_path / "other.key"))
    with pytest.raises(SealBrokenError):
        unseal(token[:-3] + b"AAA", key)


def test_the_sealing_key_is_made_once_and_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "seal.key"
    key = load_or_create_seal_key(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_or_create_seal_key(path) == key
