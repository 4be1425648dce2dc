"""The shortcuts that let a million mentions link in minutes change no cluster.

- Components without a contradiction are taken whole, as joining pair by pair would.
- Scoring in slices finds the same pairs as scoring in one piece.
"""

from __future__ import annotations

import random
from typing import Any

import pyarrow as pa
import pytest
from tests.core.linkage.conftest import Town

from vigil.core.linkage import consistency, engines, persons
from vigil.core.linkage.features import PERSON_SCHEMA
from vigil.core.linkage.resolve import person_features


def _random_mentions(count: int, seed: int) -> pa.Table:
    """Mentions of few enough values that many pairs agree on some and contradict on others."""
    draw = random.Random(seed)
    rows: list[dict[str, Any]] = []
    for i in range(count):
        row: dict[str, Any] = dict.fromkeys(PERSON_SCHEMA.names)
        row["unique_id"] = i
        row["record_id"] = f"r{draw.randrange(count)}"
        row["gender"] = draw.choice([None, "m", "f"])
        if draw.random() < 0.5:
            year = draw.choice([1980, 1981, 1983, 1990])
            month, day = draw.choice([(3, 2), (2, 3), (3, 12), (11, 5)])
            row["dob"] = f"{year}-{month:02}-{day:02}"
            lo = (year - 1970) * 365 + month * 30 + day
            row["birth_lo"], row["birth_hi"] = lo, lo
        elif draw.random() < 0.5:
            lo = draw.choice([3000, 4000, 6000, 9000])
            row["birth_lo"], row["birth_hi"] = lo, lo + 365
        if draw.random() < 0.3:
            row["identifiers"] = [draw.choice(["nhs:4857773456", "nhs:4857773465", "pnc:12"])]
        rows.append(row)
    return pa.Table.from_pylist(rows, schema=PERSON_SCHEMA)


def _named_mentions(count: int, seed: int, *, registers: bool = False) -> pa.Table:
    """Mentions differing only in names (in full, in part, unlike), or only in registers."""
    draw = random.Random(seed)
    rows: list[dict[str, Any]] = []
    for i in range(count):
        row: dict[str, Any] = dict.fromkeys(PERSON_SCHEMA.names)
        row["unique_id"] = i
        row["record_id"] = f"r{i}"
        if registers:
            row["forename"], row["surname"] = "frank", "singh"
            row[consistency.SOURCE] = draw.choice([None] * 6 + ["a", "b"])
        else:
            row["forename"] = draw.choice([None, "frank", "frank", "f"])
            row["surname"] = draw.choice([None, "singh", "singh", "pearson", "sinhg"])
        rows.append(row)
    schema = PERSON_SCHEMA.append(pa.field(consistency.SOURCE, pa.string()))
    return pa.Table.from_pylist(rows, schema=schema)


def _registered_mentions(count: int, seed: int) -> pa.Table:
    return _named_mentions(count, seed, registers=True)


@pytest.mark.parametrize("mentions", [_random_mentions, _named_mentions, _registered_mentions])
def test_clean_components_taken_whole_match_joining_pair_by_pair(mentions: Any) -> None:
    draw = random.Random(5)
    for seed in range(20):
        table = mentions(60, seed=seed)
        scored = sorted({tuple(sorted(draw.sample(range(60), 2))) for _ in range(90)})
        weights = [round(draw.uniform(-2, 20), 1) for _ in scored]
        pairs = pa.table(
            {
                "unique_id_l": pa.array([a for a, _ in scored], pa.int64()),
                "unique_id_r": pa.array([b for _, b in scored], pa.int64()),
                "match_weight": weights,
            }
        )
        expected = [sorted(c) for c in consistency._joined_pair_by_pair(table, pairs)]
        assert consistency.consistent_clusters(table, pairs) == expected


def test_scoring_in_slices_finds_the_same_pairs(
    town: Town, monkeypatch: pytest.MonkeyPatch
) -> None:
    table = person_features(town.mentions)
    options = persons.PersonModelOptions()
    model = persons.settings(optional=persons.usable_columns(table))
    frequencies = {c: persons.person_term_frequencies(table, None, c) for c in persons.TF_COLUMNS}
    trained = engines.train_on_duckdb(
        table, model, frequencies, lambda linker: persons._train(linker, options)
    )

    def scored() -> pa.Table:
        pairs = engines.predict("duckdb", table, model, trained, frequencies, options.threshold)
        return pairs.sort_by([("unique_id_l", "ascending"), ("unique_id_r", "ascending")])

    whole = scored()
    monkeypatch.setattr(engines, "MENTIONS_PER_SLICE", table.num_rows // 3)
    assert scored().equals(whole)
    assert whole.num_rows > 100
