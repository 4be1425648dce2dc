"""The person model on Apache Spark (local mode) finds the same entities as on DuckDB."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pytest

from vigil.core.linkage import PersonModelOptions, read_bundle, resolve
from vigil.core.linkage.engines import Engine, spark_session
from vigil.core.scenario import generate

SEED = 1
SCALE = 1.0

# Neither engine touches the store, so the run on PostgreSQL (`.ci/run`'s second pass)
# would only repeat the first pass's minutes of Spark.
pytestmark = pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")), reason="database-independent; runs on the SQLite pass"
)


@pytest.fixture(scope="session")
def spark() -> Iterator[object]:
    """One local Spark session for the whole suite: starting the JVM is the slow part."""
    session = spark_session()
    yield session
    session.stop()


@pytest.fixture(scope="module")
def scale_one(tmp_path_factory: pytest.TempPathFactory) -> tuple[pa.Table, pa.Table]:
    folder: Path = tmp_path_factory.mktemp("spark-town")
    generate(folder, seed=SEED, scale=SCALE)
    return read_bundle(folder / "bundle")


def _entities(mentions: pa.Table, links: pa.Table, engine: Engine) -> pa.Table:
    resolution = resolve(mentions, links, options=PersonModelOptions(engine=engine.value))
    assert resolution.person_method == "model"
    return resolution.memberships.sort_by([("record_id", "ascending"), ("ref", "ascending")])


def test_spark_and_duckdb_find_the_same_entities(
    spark: object, scale_one: tuple[pa.Table, pa.Table]
) -> None:
    mentions, links = scale_one
    on_duckdb = _entities(mentions, links, Engine.DUCKDB)
    on_spark = _entities(mentions, links, Engine.SPARK)
    people = on_duckdb.filter(pa.compute.equal(on_duckdb.column("type"), "person"))
    # Enough people, joined into few enough entities, that agreeing means something.
    assert people.num_rows > 1000
    assert len(set(people.column("entity_id").to_pylist())) < people.num_rows * 0.8
    assert on_spark.equals(on_duckdb)
