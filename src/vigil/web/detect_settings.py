"""Detection's configuration as the pages read it: parsed once, read again only when changed.

Parsing the YAML takes tens of milliseconds, and the queue, the home page and
every alert page need it; the file changes only when it is edited or deployed,
so it is kept parsed until its modification time or size changes.
"""

from __future__ import annotations

from pathlib import Path
from threading import Lock
from typing import Any

from vigil.core.detect import lifecycle
from vigil.core.detect.config import DEFAULT_CONFIG, DetectConfig, load_config

_lock = Lock()
_kept: dict[tuple[str, Path], tuple[tuple[int, int], Any]] = {}


def _stamp(path: Path) -> tuple[int, int]:
    found = path.stat()
    return found.st_mtime_ns, found.st_size


def _kept_or_read(kind: str, path: Path, read: Any) -> Any:
    stamp = _stamp(path)
    with _lock:
        held = _kept.get((kind, path))
        if held is not None and held[0] == stamp:
            return held[1]
    value = read(path)
    with _lock:
        _kept[(kind, path)] = (stamp, value)
    return value


def detect_config(path: Path = DEFAULT_CONFIG) -> DetectConfig:
    """`load_config(path)`, parsed again only when the file has changed."""
    found: DetectConfig = _kept_or_read("config", path, load_config)
    return found


def lifecycle_settings(path: Path = DEFAULT_CONFIG) -> lifecycle.LifecycleSettings:
    """`lifecycle.load_lifecycle(path)`, parsed again only when the file has changed."""
    found: lifecycle.LifecycleSettings = _kept_or_read("lifecycle", path, lifecycle.load_lifecycle)
    return found
