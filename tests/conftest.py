"""Shared fixtures: small bundles written to disk."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

BundleWriter = Callable[..., Path]


def make_record(record_id: str, **changes: Any) -> dict[str, Any]:
    """A valid record with two people and a car, changed as asked."""
    base: dict[str, Any] = {
        "id": record_id,
        "agency": "police",
        "kind": "intelligence",
        "occurred_on": "2001-06-14",
        "recorded_at": "2001-06-15T10:22:00Z",
        "author": "pol-0042",
        "offence": "22B",
        "title": "Girl seen getting into car",
        "text": "Narrative as written.",
        "mentions": [
            {"ref": "p1", "type": "person", "role": "victim", "name": "Kayla Test", "age": 14},
            {"ref": "p2", "type": "person", "role": "suspect", "name": "Mo", "age": 27},
            {"ref": "v1", "type": "vehicle", "vrm": "YB02 KL?"},
        ],
        "links": [{"from": "p2", "to": "v1", "type": "drove"}],
    }
    base.update(changes)
    return base


def write_jsonl(path: Path, rows: Iterable[object]) -> None:
    with path.open("wb") as handle:
        for row in rows:
            handle.write(row if isinstance(row, bytes) else orjson.dumps(row))
            handle.write(b"\n")


@pytest.fixture
def write_bundle(tmp_path: Path) -> BundleWriter:
    """Writes a bundle folder; each keyword names a file and gives its lines."""
    counter = iter(range(1_000_000))

    def write(**files: Iterable[object]) -> Path:
        folder = tmp_path / f"bundle-{next(counter)}"
        folder.mkdir()
        for kind, rows in files.items():
            write_jsonl(folder / f"{kind}.jsonl", rows)
        return folder

    return write


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    """Sign-in rate limits live in the cache: no test inherits another's attempts."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session", autouse=True)
def _own_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Keys, uploads and loaded spreadsheets go to this run's own folder.

    `make test` runs the suite in parallel workers; each has its own home, so two
    workers never race to create the same signing key.
    """
    from django.conf import settings

    home = tmp_path_factory.mktemp("home")
    before = settings.VIGIL_HOME, os.environ.get("VIGIL_HOME")
    settings.VIGIL_HOME = home
    os.environ["VIGIL_HOME"] = str(home)
    yield home
    settings.VIGIL_HOME = before[0]
    if before[1] is None:
        os.environ.pop("VIGIL_HOME", None)
    else:
        os.environ["VIGIL_HOME"] = before[1]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # One browser for the whole run: with `--dist loadgroup` every browser test goes
    # to the same worker, which starts Chromium once.
    for item in items:
        if item.nodeid.startswith("tests/browser/"):
            item.add_marker(pytest.mark.xdist_group("browser"))
