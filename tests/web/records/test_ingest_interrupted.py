"""An ingest killed mid-way leaves whole records only, and running it again completes it."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from tests.conftest import make_record, write_jsonl

RECORDS = 60_000


@pytest.fixture
def database(tmp_path: Path) -> Iterator[tuple[dict[str, str], Callable[[str], int]]]:
    """A database of the test's own, on whichever engine the suite runs on.

    Yields the environment for `vigil` and a function that runs a COUNT query.
    """
    env = {**os.environ, "VIGIL_HOME": str(tmp_path / "home")}
    url = os.environ.get("DATABASE_URL")
    if not url:
        env.pop("DATABASE_URL", None)
        path = tmp_path / "home" / "vigil.sqlite3"

        def count_sqlite(sql: str) -> int:
            with sqlite3.connect(path, timeout=30) as connection:
                return int(connection.execute(sql).fetchone()[0])

        yield env, count_sqlite
        return
    name = f"vigil_interrupted_{os.getpid()}"
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name}")
        connection.execute(f"CREATE DATABASE {name}")
    env["DATABASE_URL"] = url.rsplit("/", 1)[0] + "/" + name

    def count_postgres(sql: str) -> int:
        with psycopg.connect(env["DATABASE_URL"]) as connection:
            row = connection.execute(sql).fetchone()
            assert row is not None
            return int(row[0])

    yield env, count_postgres
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def vigil(*args: str) -> list[str]:
    return [sys.executable, "-m", "vigil", *args]


def test_kill_9_mid_ingest_then_rerun_gives_each_record_once(
    tmp_path: Path, database: tuple[dict[str, str], Callable[[str], int]]
) -> None:
    env, count = database
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    write_jsonl(bundle / "records.jsonl", (make_record(f"r{i:06d}") for i in range(RECORDS)))
    subprocess.run(vigil("migrate"), env=env, check=True, capture_output=True)

    loading = subprocess.Popen(
        vigil("ingest", str(bundle), "--quiet"),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while count("SELECT COUNT(*) FROM records_record") == 0:
        assert loading.poll() is None, "ingest ended before it could be interrupted"
        assert time.monotonic() < deadline
        time.sleep(0.02)
    loading.send_signal(signal.SIGKILL)
    loading.wait()

    stored = count("SELECT COUNT(*) FROM records_record")
    assert 0 < stored < RECORDS, "the kill should land mid-way"
    # Whole records only: every stored record has its version, three mentions and its link.
    assert count("SELECT COUNT(*) FROM records_recordversion") == stored
    assert count("SELECT COUNT(*) FROM records_mention") == 3 * stored
    assert count("SELECT COUNT(*) FROM records_link") == stored
    assert (
        count(
            "SELECT COUNT(*) FROM records_record r LEFT JOIN records_recordversion v "
            "ON v.id = r.current_version_id WHERE v.id IS NULL"
        )
        == 0
    )

    rerun = subprocess.run(
        vigil("ingest", str(bundle), "--quiet", "--json"),
        env=env,
        capture_output=True,
        text=True,
    )
    assert rerun.returncode == 0, rerun.stderr
    assert count("SELECT COUNT(*) FROM records_record") == RECORDS
    assert count("SELECT COUNT(DISTINCT source_id) FROM records_record") == RECORDS
    assert count("SELECT COUNT(*) FROM records_recordversion") == RECORDS
    assert count("SELECT COUNT(*) FROM records_mention") == 3 * RECORDS
    assert count("SELECT COUNT(*) FROM records_link") == RECORDS
    assert count("SELECT COUNT(*) FROM records_ingestrun WHERE status = 'interrupted'") == 1
    assert count("SELECT COUNT(*) FROM records_ingestrun WHERE status = 'completed'") == 1
