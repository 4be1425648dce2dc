"""Linking the store, the snapshot it reads, and the entities export."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pyarrow.parquet as pq
import pytest
from tests.conftest import BundleWriter, make_record
from typer.testing import CliRunner

from vigil.cli import app
from vigil.core.scenario import generate
from vigil.web.entities import models, selectors, services
from vigil.web.records import models as records
from vigil.web.records.services import bundle_ingest
from vigil.web.records.snapshot import snapshot_tables, snapshot_write

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def town(tmp_path: Path) -> Path:
    generate(tmp_path / "town", seed=3, scale=0.02)
    bundle_ingest(path=tmp_path / "town" / "bundle")
    return tmp_path / "town"


def current_mention_keys() -> set[tuple[str, str]]:
    current = records.Record.objects.values("current_version")
    return set(
        records.Mention.objects.filter(record_version__in=current).values_list(
            "record_version__record__source_id", "ref"
        )
    )


def test_export_puts_every_mention_in_exactly_one_entity(town: Path) -> None:
    result = CliRunner().invoke(app, ["export", "entities", "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    lines = [orjson.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    seen = Counter((m["record_id"], m["ref"]) for line in lines for m in line["mentions"])
    assert set(seen) == current_mention_keys()
    assert max(seen.values()) == 1
    assert set(lines[0]) == {"entity_id", "type", "display_name", "mentions"}
    assert {line["type"] for line in lines} <= {
        "person",
        "vehicle",
        "phone",
        "address",
        "organisation",
    }


def test_relinking_keeps_entity_ids(write_bundle: BundleWriter) -> None:
    # Few records: people are linked by the strict rule; the model's ids are
    # checked for stability in tests/core/linkage.
    bundle_ingest(path=write_bundle(records=[make_record(f"r{i}") for i in range(5)]))
    services.entities_link()
    first = selectors.previous_assignment()
    assert not selectors.entities_stale()
    services.entities_link()
    assert selectors.previous_assignment() == first
    assert models.LinkRun.objects.count() == 2


def test_new_records_make_the_entities_stale(write_bundle: BundleWriter) -> None:
    bundle_ingest(path=write_bundle(records=[make_record("r1")]))
    services.entities_link()
    assert not selectors.entities_stale()
    bundle_ingest(path=write_bundle(records=[make_record("r2")]))
    assert selectors.entities_stale()


def test_snapshot_as_of_leaves_out_later_records(
    write_bundle: BundleWriter, tmp_path: Path
) -> None:
    bundle_ingest(
        path=write_bundle(
            records=[
                make_record("early", recorded_at="2001-06-15T10:22:00Z"),
                make_record("late", recorded_at="2003-01-01T00:00:00Z"),
            ]
        )
    )
    every = snapshot_tables()
    assert set(every.mentions.column("record_id").to_pylist()) == {"early", "late"}
    then = snapshot_tables(as_of=datetime(2002, 1, 1, tzinfo=UTC))
    assert set(then.mentions.column("record_id").to_pylist()) == {"early"}
    assert set(then.links.column("record_id").to_pylist()) == {"early"}
    row = then.mentions.to_pylist()[0]
    assert row["agency"] == "police" and row["occurred_on"] == "2001-06-14"
    assert row["recorded_at"] == datetime(2001, 6, 15, 10, 22, tzinfo=UTC)
    mentions_path, links_path = snapshot_write(folder=tmp_path / "snap", batch_rows=2)
    assert pq.read_table(mentions_path).num_rows == every.mentions.num_rows
    assert pq.read_table(links_path).num_rows == every.links.num_rows


def test_a_judgement_is_stored(write_bundle: BundleWriter) -> None:
    bundle_ingest(path=write_bundle(records=[make_record("r1"), make_record("r2")]))
    judgement = services.judgement_record(
        left=("r1", "p1"), right=("r2", "p2"), verdict="not_same", by="analyst-1"
    )
    assert models.Judgement.objects.get().pk == judgement.pk
    with pytest.raises(ValueError, match="verdict"):
        services.judgement_record(left=("r1", "p1"), right=("r2", "p2"), verdict="maybe", by="a")
