"""Blocking keys that split a block too large to score whole."""

from __future__ import annotations

import pyarrow as pa
import pytest

from vigil.core.linkage import blocking


def features(*rows: tuple[str | None, str | None, str | None]) -> pa.Table:
    surname, initial, district = zip(*rows, strict=True)
    return pa.table(
        {
            "surname_spelling": pa.array(surname, pa.string()),
            "forename_initial": pa.array(initial, pa.string()),
            "postcode_district": pa.array(district, pa.string()),
        }
    )


def test_small_blocks_stay_whole_and_large_ones_split_by_district(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(blocking, "MAX_BLOCK", 2)
    table = features(
        ("khan", "m", "S60"),
        ("khan", "m", None),
        ("khan", "m", "S61"),
        ("smith", "j", "S60"),
        ("smith", "j", None),
        (None, "a", "S60"),
    )
    keys = blocking.with_block_keys(table).column(blocking.INITIAL_BLOCK).to_pylist()
    # Three "khan m" exceed the limit: split by district, the one without left out;
    # two "smith j" do not, and stay one block in their order.
    assert keys == ["khan m S60", None, "khan m S61", "smith j", "smith j", None]


def test_the_key_is_recomputed_not_appended_twice() -> None:
    table = blocking.with_block_keys(features(("khan", "m", "S60")))
    again = blocking.with_block_keys(table)
    assert again.column_names.count(blocking.INITIAL_BLOCK) == 1
    assert again.column(blocking.INITIAL_BLOCK).to_pylist() == ["khan m"]
