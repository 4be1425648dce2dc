"""Reads the scenario's reference data (name lists, places, spellings) shipped in `data/`."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import orjson


@cache
def load(name: str) -> Any:
    """The decoded contents of `data/<name>`, read once per process."""
    return orjson.loads(resources.files("vigil.core.scenario").joinpath("data", name).read_bytes())
