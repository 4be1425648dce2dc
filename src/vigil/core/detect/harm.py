"""Harm weights by Home Office offence code (`harm.yaml`), with where each came from."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

DEFAULT_HARM = Path(__file__).with_name("harm.yaml")


@dataclass(frozen=True, slots=True)
class HarmWeight:
    """One offence code's weight in days of imprisonment, and its provenance.

    Attributes:
        code: Home Office Counting Rules classification code.
        label: What the offence is.
        days: Days of imprisonment (the harm weight).
        source: Key of the source text in the file's `sources`.
        basis: What the figure was taken from (a group median, a placeholder).
        indicative: True unless the figure is the index's own score for this code.
    """

    code: str
    label: str
    days: float
    source: str
    basis: str
    indicative: bool


@dataclass(frozen=True, slots=True)
class HarmIndex:
    """Harm weights by offence code, and the sources they cite."""

    weights: dict[str, HarmWeight]
    sources: dict[str, str]

    def weight(self, code: str | None) -> HarmWeight | None:
        """The weight of an offence code, or None when the index has none."""
        return self.weights.get(code) if code else None


def load_harm(path: Path = DEFAULT_HARM) -> HarmIndex:
    """Reads a harm file shaped like the default `harm.yaml`."""
    raw: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    sources = {str(k): str(v) for k, v in raw["sources"].items()}
    weights = {}
    for code, entry in raw["offences"].items():
        if entry["source"] not in sources:
            raise ValueError(f"harm weight {code} cites unknown source {entry['source']!r}")
        weights[str(code)] = HarmWeight(
            code=str(code),
            label=str(entry["label"]),
            days=float(entry["days"]),
            source=str(entry["source"]),
            basis=str(entry["basis"]),
            indicative=bool(entry["indicative"]),
        )
    return HarmIndex(weights=weights, sources=sources)
