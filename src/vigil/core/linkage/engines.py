"""Where the person model runs: DuckDB in-process, or Apache Spark. Engine differences live here.

The model is trained once, in-process on DuckDB, and the trained
parameters are then applied on the engine asked for. Training looks at a
sample of pairs and is cheap; scoring every blocked pair is the work that
grows with the data, and that is what Spark takes over. Training on one
engine only is also what makes the two engines agree: u probabilities come
from a random sample of pairs, and DuckDB and Spark draw different samples
from the same seed, so two trainings would give two slightly different
models. With the parameters fixed before prediction, the engines score the
same pairs with the same weights, and differ only in the last bits of
floating point, which `_rounded` removes.

Spark runs in local mode with Splink's similarity functions from the jar
Splink ships (`spark.jars`); nothing is downloaded at run time.
"""

from __future__ import annotations

import logging
import os
import re
import resource
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
from splink import DuckDBAPI, Linker, SettingsCreator
from splink.internals import blocking as splink_blocking
from splink.internals.blocking import BlockingRule, ExplodingBlockingRule

from vigil.core import collector
from vigil.core.linkage import blocking

if TYPE_CHECKING:
    from pyspark.sql import SparkSession
    from splink.internals.database_api import DatabaseAPISubClass

# Match weights agree across engines to about 1e-12; to this many decimals
# they are equal, so pairs sort the same and clusters come out the same.
WEIGHT_DECIMALS = 6
# Spark's local mode on a small machine: a few partitions, not the default 200.
SPARK_PARTITIONS = 4
# `VIGIL_DUCKDB_MEMORY` (e.g. "6GB") caps DuckDB's memory; unset, this does.
# Beyond it DuckDB spills to its scratch folder. Scoring a million mentions in
# one piece once needed more than 6GB (Splink de-duplicating ~100M blocked
# pairs in one hash table); scored in slices (`MENTIONS_PER_SLICE`) it fits.
DUCKDB_MEMORY_VARIABLE = "VIGIL_DUCKDB_MEMORY"
DUCKDB_MEMORY = "4GB"
# DuckDB scores the pairs of this many left-hand mentions at a time (Splink's
# chunks): the blocked pairs of one slice, not the whole town's, are in memory.
MENTIONS_PER_SLICE = 400_000


# Each step of a link logs what it cost here (at INFO), for `bench/linkage_steps.py`.
cost_log = logging.getLogger("vigil.linkage.cost")


@contextmanager
def step(name: str) -> Iterator[None]:
    """Logs the wall and CPU seconds a step of linking took, and the peak memory so far.

    CPU seconds count every thread of the process (DuckDB's too): on a shared
    machine they say more than wall time. Python's cycle collector is paused
    meanwhile (`vigil.core.collector`).
    """
    if not cost_log.isEnabledFor(logging.INFO):
        with collector.paused():
            yield
        return
    started, cpu = time.monotonic(), time.process_time()
    with collector.paused():
        yield
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    cost_log.info(
        "%-28s %8.1f s %8.1f CPU s %7.0f MB peak",
        name,
        time.monotonic() - started,
        time.process_time() - cpu,
        peak,
    )


class Engine(StrEnum):
    """Where the person model scores pairs."""

    DUCKDB = "duckdb"
    SPARK = "spark"


def spark_session(*, cores: int = 2, memory: str = "4g") -> SparkSession:
    """A local Spark session ready for Splink (its similarity jar registered).

    Returns the session already running in this process, if any (its
    settings win: Spark fixes them when the JVM starts).

    Args:
        cores: Worker threads of local mode.
        memory: Driver memory (in local mode the driver does all the work).
    """
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    running = SparkSession.getActiveSession()
    if running is not None:
        return running
    scratch = tempfile.mkdtemp(prefix="vigil-spark-")
    return (
        SparkSession.builder.master(f"local[{cores}]")
        .appName("vigil-linkage")
        .config("spark.jars", similarity_jar_location())
        .config("spark.driver.memory", memory)
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", str(SPARK_PARTITIONS))
        .config("spark.default.parallelism", str(SPARK_PARTITIONS))
        .config("spark.sql.session.timeZone", "UTC")
        # Compiling Splink's long comparison expressions into whole stages
        # costs more than it saves on the data of one town.
        .config("spark.sql.codegen.wholeStage", "false")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.warehouse.dir", f"{scratch}/warehouse")
        .config("spark.local.dir", scratch)
        .getOrCreate()
    )


# Splink's "arrays share an element" on DuckDB: the intersection built and
# counted, where one common element would do.
_SHARE_AN_ELEMENT = re.compile(r'array_length\(list_intersect\(("\w+"), ("\w+")\)\) >= 1')


class _DuckDBAPI(DuckDBAPI):
    """Splink on DuckDB, asking whether two arrays share an element with `list_has_any`.

    True for the same pairs (false or null for the rest: an empty array
    against a null one is false one way, null the other, and a level's
    condition counts only when true), for half the work of building the
    intersection: the nickname, alias, vehicle and number levels ask it of
    most scored pairs.
    """

    def _execute_sql_against_backend(self, final_sql: str) -> duckdb.DuckDBPyRelation:
        return super()._execute_sql_against_backend(
            _SHARE_AN_ELEMENT.sub(r"list_has_any(\1, \2)", final_sql)
        )


def duckdb_api(*, ordered: bool = True) -> DuckDBAPI:
    """An in-process DuckDB for Splink that can spill to a scratch folder of its own.

    What does not fit in DuckDB's memory (`DUCKDB_MEMORY`, or
    `VIGIL_DUCKDB_MEMORY`) goes to `temp_directory` (removed when the
    connection closes).

    Args:
        ordered: Whether results keep the order of their inputs (training
            samples pairs by position, so that it gives the same model every time).
    """
    connection = duckdb.connect()
    memory = os.environ.get(DUCKDB_MEMORY_VARIABLE) or DUCKDB_MEMORY
    connection.execute(f"SET memory_limit = '{memory}'")
    connection.execute(f"SET temp_directory = '{tempfile.gettempdir()}/vigil-duckdb-{os.getpid()}'")
    if not ordered:
        # Large joins need less memory when rows may come out in any order.
        connection.execute("SET preserve_insertion_order = false")
    return _DuckDBAPI(connection=connection)


def _database_api(engine: Engine) -> DatabaseAPISubClass:
    if engine is Engine.DUCKDB:
        # Scored pairs are sorted before anything reads them.
        return duckdb_api(ordered=False)
    from splink.backends.spark import SparkAPI

    session = spark_session()
    session.sparkContext.setLogLevel("ERROR")
    return SparkAPI(  # type: ignore[no-untyped-call]
        spark_session=session,
        break_lineage_method="persist",
        num_partitions_on_repartition=SPARK_PARTITIONS,
    )


def _close(db_api: DatabaseAPISubClass) -> None:
    if isinstance(db_api, DuckDBAPI):
        db_api.duckdb_con.close()
        return
    # A Spark session outlives the run: its views and the tables Splink
    # persisted go with the run, so the next run on the session starts clean.
    spark = db_api.spark  # type: ignore[attr-defined]
    for row in spark.sql("SHOW VIEWS").collect():
        if row.viewName.startswith(("__splink", "person_")):
            spark.catalog.dropTempView(row.viewName)
    spark.catalog.clearCache()


def train_on_duckdb(
    features: pa.Table,
    model: SettingsCreator,
    term_frequencies: Mapping[str, pa.Table],
    train: Any,
) -> dict[str, Any]:
    """Trains the model in-process and returns its parameters (Splink's model dict).

    Args:
        features: The table to train on (`unique_id` and the compared columns).
        model: The model's settings, untrained.
        term_frequencies: Column -> lookup table to use instead of counting the data.
        train: Called with the linker; runs the training steps.
    """
    db_api = duckdb_api()
    try:
        with collector.running():
            linker = _linker(db_api, features, model, term_frequencies)
            train(linker)
            return linker.misc.save_model_to_json()
    finally:
        _close(db_api)


def predict(
    engine: Engine | str,
    features: pa.Table,
    model: SettingsCreator,
    trained: Mapping[str, Any],
    term_frequencies: Mapping[str, pa.Table],
    threshold: float,
) -> pa.Table:
    """Scores every blocked pair on an engine, with parameters trained elsewhere.

    Args:
        engine: Where to score.
        features: The table to score (as trained on).
        model: The model's settings, untrained (the same that were trained).
        trained: The trained model dict (`train_on_duckdb`).
        term_frequencies: Column -> lookup table to use instead of counting the data.
        threshold: Least match probability kept.

    Returns:
        `unique_id_l`, `unique_id_r`, `match_weight`, `match_probability`.
    """
    engine = Engine(engine)
    db_api = _database_api(engine)
    try:
        with collector.running():
            settings = with_parameters(
                model.get_settings(db_api.sql_dialect.sql_dialect_str), trained
            )
            linker = _linker(db_api, features, settings, term_frequencies)
            # Spark manages its own memory; DuckDB is handed a slice at a time.
            slices = (
                max(1, -(-features.num_rows // MENTIONS_PER_SLICE))
                if engine is Engine.DUCKDB
                else 1
            )
            with _deduplicating_only_array_pairs():
                predictions = linker.inference.predict(
                    threshold_match_probability=threshold,
                    num_chunks_left=slices,
                    num_chunks_right=1,
                    warning_mode="never",
                )
            pairs = predictions.as_pyarrow_table().select(  # type: ignore[no-untyped-call]
                ["unique_id_l", "unique_id_r", "match_weight"]
            )
    finally:
        _close(db_api)
    return _rounded(pairs)


_splink_blocking_sqls = splink_blocking.block_using_rules_sqls


def blocking_sqls(*, blocking_rules: list[BlockingRule], **options: Any) -> list[dict[str, str]]:
    """Splink's blocking SQL, de-duplicating only the pairs that can come twice.

    Each ordinary rule leaves out the pairs of every ordinary rule before it,
    so their pairs come once each. A rule on a shared array element (a
    vehicle, an alias) cannot be left out that way, and Splink then groups
    every blocked pair of the town to drop repeats: at a million mentions,
    a hash table of some hundred million pairs, a quarter of the blocking's
    CPU. With the array rules last (`persons.blocking_rules`), only their
    pairs can repeat, and only they are grouped: the same pairs, each once
    (the rule key each carries aside, which nothing reads). In any other
    order, Splink's own SQL.

    Args:
        blocking_rules: The rules, in order (Splink's `BlockingRule`s).
        options: The rest of `block_using_rules_sqls`'s arguments.
    """
    arrays = [isinstance(rule, ExplodingBlockingRule) for rule in blocking_rules]
    first = arrays.index(True) if True in arrays else 0
    if first == 0 or not all(arrays[first:]):
        return _splink_blocking_sqls(blocking_rules=blocking_rules, **options)
    # Each rule excludes its own preceding rules, whatever list it is passed in.
    ordinary = _splink_blocking_sqls(blocking_rules=blocking_rules[:first], **options)
    shared = _splink_blocking_sqls(blocking_rules=blocking_rules[first:], **options)
    if len(ordinary) != 1 or len(shared) != 2:
        return _splink_blocking_sqls(blocking_rules=blocking_rules, **options)
    grouped = shared[1]
    return [
        shared[0],
        {
            "sql": f"{ordinary[0]['sql']}\n\nUNION ALL\n\n"
            f"SELECT match_key, join_key_l, join_key_r FROM ({grouped['sql']})",
            "output_table_name": grouped["output_table_name"],
        },
    ]


@contextmanager
def _deduplicating_only_array_pairs() -> Iterator[None]:
    """Splink blocks for prediction with `blocking_sqls` inside the block."""
    splink_blocking.block_using_rules_sqls = blocking_sqls
    try:
        yield
    finally:
        splink_blocking.block_using_rules_sqls = _splink_blocking_sqls


def with_parameters(settings: Any, trained: Mapping[str, Any]) -> dict[str, Any]:
    """The settings (for any dialect) as a dict, with the trained model's parameters.

    Both come from the same `SettingsCreator`, so comparison i, level j of
    one is comparison i, level j of the other; only the SQL differs.

    Args:
        settings: Splink `Settings` for the engine's dialect.
        trained: The trained model dict.
    """
    found: dict[str, Any] = settings.as_dict()
    found["probability_two_random_records_match"] = trained["probability_two_random_records_match"]
    for comparison, source in zip(found["comparisons"], trained["comparisons"], strict=True):
        if comparison["output_column_name"] != source["output_column_name"]:
            raise ValueError(f"models differ at {comparison['output_column_name']}")
        for level, learnt in zip(
            comparison["comparison_levels"], source["comparison_levels"], strict=True
        ):
            for key in ("m_probability", "u_probability"):
                if key in learnt:
                    level[key] = learnt[key]
    return found


def _linker(
    db_api: DatabaseAPISubClass,
    features: pa.Table,
    settings: SettingsCreator | dict[str, Any],
    term_frequencies: Mapping[str, pa.Table],
) -> Linker:
    features = blocking.with_block_keys(features)
    frame = db_api.register(features, dataset_display_name="person_mentions")
    # Validation only logs warnings (Splink's log is kept to errors here); the
    # settings are vigil's own and fixed, and parsing every condition again
    # for it is a large part of setting up a linker.
    linker = Linker(frame, settings, log_level=None, validate_settings=False)
    for column, table in term_frequencies.items():
        lookup = db_api.register(table, dataset_display_name=f"person_tf_{column}")
        linker.table_management.register_term_frequency_lookup(lookup, column)
    return linker


def _rounded(pairs: pa.Table) -> pa.Table:
    """Pairs with match weights rounded, and probabilities computed from them here."""
    weight = pc.round(pairs.column("match_weight").cast(pa.float64()), WEIGHT_DECIMALS)
    # Clipped: 2 to the 60 is already certainty, and 2 to the 1100 overflows.
    odds = pc.power(2.0, pc.max_element_wise(pc.min_element_wise(weight, 60.0), -60.0))
    probability = pc.divide(odds, pc.add(odds, 1.0))
    return pa.table(
        {
            "unique_id_l": pairs.column("unique_id_l").cast(pa.int64()),
            "unique_id_r": pairs.column("unique_id_r").cast(pa.int64()),
            "match_weight": weight,
            "match_probability": probability,
        }
    )
