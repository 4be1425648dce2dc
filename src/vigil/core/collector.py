"""Python's cycle collector, paused for work that makes many objects and no cycles.

Linkage steps and redaction build a tuple, set or row per mention or span, a
million at scale, and keep most of them to the end: left on, the collector
scans them again and again as they pile up and finds nothing, since they hold
no cycles and reference counting frees them.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """The collector paused for the block, and as it was before after it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def running() -> Iterator[None]:
    """The collector running for the block, even inside a paused one.

    For work that does make cycles (Splink's SQL trees point at their parents).
    """
    was_paused = not gc.isenabled()
    gc.enable()
    try:
        yield
    finally:
        if was_paused:
            gc.disable()
