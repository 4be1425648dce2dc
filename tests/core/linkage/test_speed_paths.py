"""Shortcuts taken for speed give exactly what the plain way gives."""

from __future__ import annotations

import gc
import logging
from contextlib import nullcontext
from typing import Any

import duckdb
import pyarrow as pa
import pytest
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink.internals.blocking import ExplodingBlockingRule
from tests.core.linkage.test_accuracy_fragments import born, groups, mention, table

from vigil.core import collector
from vigil.core.linkage import engines, persons
from vigil.core.linkage.fragments import MAX_NAMESAKES_BY_BIRTH

# Pairs 0-1 share a key and a vehicle, 1-2 a vehicle and a phone, 2-3 a
# phone only, 3-4 a key and an alias; 5 shares nothing.
PEOPLE = pa.table(
    {
        "unique_id": [0, 1, 2, 3, 4, 5],
        "name": ["a", "a", "b", "c", "c", "d"],
        "key": ["k1", "k1", "k2", "k3", "k3", None],
        "vehicles": [["v1"], ["v1", "v2"], ["v2", "v3"], None, [], ["v9"]],
        "phones": [None, ["p1"], ["p1", "p2"], ["p2"], None, ["p8"]],
        "aliases": [None, None, None, ["mo"], ["mo", "moh"], None],
    }
)


def _blocked(rules: list[Any], *, ours: bool, chunks: int = 1) -> list[tuple[int, int]]:
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[cl.ExactMatch("name")],
        blocking_rules_to_generate_predictions=rules,
    )
    db_api = DuckDBAPI()
    linker = Linker(db_api.register(PEOPLE), settings)
    with engines._deduplicating_only_array_pairs() if ours else nullcontext():
        found = linker.inference.predict(num_chunks_left=chunks, num_chunks_right=1)
    pairs = found.as_pyarrow_table()  # type: ignore[no-untyped-call]
    return list(
        zip(
            pairs.column("unique_id_l").to_pylist(),
            pairs.column("unique_id_r").to_pylist(),
            strict=True,
        )
    )


ARRAYS_LAST = [
    block_on("key"),
    block_on("name"),
    block_on("aliases", arrays_to_explode=["aliases"]),
    block_on("vehicles", arrays_to_explode=["vehicles"]),
    block_on("phones", arrays_to_explode=["phones"]),
]


@pytest.mark.parametrize("chunks", [1, 2])
def test_grouping_only_the_array_pairs_gives_splinks_pairs_once_each(chunks: int) -> None:
    splinks = _blocked(ARRAYS_LAST, ours=False, chunks=chunks)
    ours = _blocked(ARRAYS_LAST, ours=True, chunks=chunks)
    assert len(ours) == len(set(ours))
    assert sorted(ours) == sorted(splinks) == [(0, 1), (1, 2), (2, 3), (3, 4)]


def test_an_array_rule_before_an_ordinary_one_keeps_splinks_grouping(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[int] = []
    original = engines._splink_blocking_sqls

    def counted(**options: object) -> list[dict[str, str]]:
        calls.append(len(options["blocking_rules"]))  # type: ignore[arg-type]
        return original(**options)  # type: ignore[arg-type]

    monkeypatch.setattr(engines, "_splink_blocking_sqls", counted)
    middle = [ARRAYS_LAST[2], *ARRAYS_LAST[:2], *ARRAYS_LAST[3:]]
    assert sorted(_blocked(middle, ours=True)) == [(0, 1), (1, 2), (2, 3), (3, 4)]
    assert calls == [5]  # all rules at once: Splink's own SQL
    calls.clear()
    _blocked(ARRAYS_LAST, ours=True)
    assert calls == [2, 3]  # ordinary rules, then array rules


def test_the_person_models_array_rules_come_last() -> None:
    rules: list[Any] = persons.blocking_rules()
    explode = [
        isinstance(rule.get_blocking_rule("duckdb"), ExplodingBlockingRule) for rule in rules
    ]
    first = explode.index(True)
    assert first > 0 and all(explode[first:])


def test_list_has_any_is_true_where_the_intersection_is() -> None:
    # A level's condition counts only when true: false and null are alike.
    lists = ["NULL", "[]", "['a']", "['a', 'b']", "['b', NULL]", "[NULL]", "['c']"]
    con = duckdb.connect()
    for left in lists:
        for right in lists:
            sql = (
                'SELECT (array_length(list_intersect("l", "r")) >= 1) IS TRUE '
                f"FROM (SELECT {left}::VARCHAR[] AS l, {right}::VARCHAR[] AS r)"
            )
            rewritten = engines._SHARE_AN_ELEMENT.sub(r"list_has_any(\1, \2)", sql)
            assert "list_has_any" in rewritten
            assert con.sql(sql).fetchall() == con.sql(rewritten).fetchall(), (left, right)


def test_the_person_models_array_levels_are_rewritten() -> None:
    model = persons.settings(optional=["vehicles", "known_as", "identifiers"])
    conditions = " ".join(
        level["sql_condition"]
        for comparison in model.get_settings("duckdb").as_dict()["comparisons"]  # type: ignore[no-untyped-call]
        for level in comparison["comparison_levels"]
    )
    assert len(engines._SHARE_AN_ELEMENT.findall(conditions)) >= 4
    api = engines.duckdb_api()
    try:
        assert isinstance(api, engines._DuckDBAPI)
    finally:
        api.duckdb_con.close()


@pytest.mark.parametrize("logged", [True, False])
def test_a_step_pauses_the_collector_and_restores_it(logged: bool) -> None:
    engines.cost_log.setLevel(logging.INFO if logged else logging.WARNING)
    try:
        assert gc.isenabled()
        with engines.step("a step"):
            assert not gc.isenabled()
            # Splink's SQL trees are cycles: training and scoring collect them.
            with collector.running():
                assert gc.isenabled()
            assert not gc.isenabled()
        assert gc.isenabled()
        with pytest.raises(RuntimeError), engines.step("a failing step"):
            raise RuntimeError
        assert gc.isenabled()
        gc.disable()
        with engines.step("a step"):
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
        engines.cost_log.setLevel(logging.NOTSET)


@pytest.mark.parametrize(
    ("others", "joins"), [(MAX_NAMESAKES_BY_BIRTH, True), (MAX_NAMESAKES_BY_BIRTH + 1, False)]
)
def test_a_name_borne_by_just_too_many_is_not_placed_by_birth(others: int, joins: bool) -> None:
    # Births three years apart: only Paul Surname3 agrees with the fragment's.
    many = [mention(f"Paul Surname{i}", gender="m", **born(3 * i)) for i in range(others)]
    features = table(*many, mention("Paul", gender="m", **born(9)))
    clusters = [[i] for i in range(others + 1)]
    placed = {3, others} in groups(features, clusters)
    assert placed is joins
