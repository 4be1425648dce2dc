"""Figures kept in the cache, worked out by one thread at a time.

When many users of one group open a page at once and its kept figure has just
expired, one of them works it out while the others wait for it, rather than
every one of them counting the same rows at the same time.
"""

from __future__ import annotations

from collections.abc import Callable
from threading import Lock
from typing import TypeVar

from django.core.cache import cache

T = TypeVar("T")

_guard = Lock()
_locks: dict[str, Lock] = {}


def _lock_for(key: str) -> Lock:
    with _guard:
        if len(_locks) > 10_000:  # keys name states that pass; forget the old ones
            _locks.clear()
        return _locks.setdefault(key, Lock())


def kept(key: str, work_out: Callable[[], T], seconds: int) -> T:
    """The value cached under `key`, or `work_out()`'s, cached for `seconds`."""
    found: T | None = cache.get(key)
    if found is not None:
        return found
    with _lock_for(key):
        found = cache.get(key)
        if found is None:
            found = work_out()
            cache.set(key, found, seconds)
    return found
