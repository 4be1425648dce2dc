"""A small synthetic town, resolved once for the whole session."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pytest

from vigil.core.linkage import Resolution, read_bundle, resolve
from vigil.core.scenario import generate
from vigil.core.scenario.truth import read_truth

SEED = 7
SCALE = 0.3


@dataclass(frozen=True)
class Town:
    mentions: pa.Table
    links: pa.Table
    truth: dict[tuple[str, str], str]
    truth_types: dict[tuple[str, str], str]
    resolution: Resolution


@pytest.fixture(scope="session")
def town(tmp_path_factory: pytest.TempPathFactory) -> Town:
    folder: Path = tmp_path_factory.mktemp("town")
    generate(folder, seed=SEED, scale=SCALE)
    mentions, links = read_bundle(folder / "bundle")
    truth = read_truth(folder / "truth.json")
    types = {e["entity_id"]: e["type"] for e in truth["entities"]}
    truth_of = {(m["record_id"], m["ref"]): m["entity_id"] for m in truth["mentions"]}
    return Town(
        mentions=mentions,
        links=links,
        truth=truth_of,
        truth_types={k: types[v] for k, v in truth_of.items()},
        resolution=resolve(mentions, links),
    )
