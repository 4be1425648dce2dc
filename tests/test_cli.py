"""The `vigil` command as a user runs it: exit codes, tables, JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.conftest import BundleWriter, make_record
from typer.testing import CliRunner

from vigil.cli import app

pytestmark = pytest.mark.django_db(transaction=True)
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
runner = CliRunner()


def vigil(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_every_line_taken_in_exits_0_with_a_summary_table(write_bundle: BundleWriter) -> None:
    code, output = vigil("ingest", str(write_bundle(records=[make_record("r1")])), "--quiet")
    assert code == 0
    assert "records" in output
    assert "completed" in output


def test_rejected_lines_exit_1_and_are_listed(write_bundle: BundleWriter) -> None:
    folder = write_bundle(records=[make_record("r1"), make_record("r2", kind="gossip")])
    code, output = vigil("ingest", str(folder), "--quiet")
    assert code == 1
    assert "unknown record kind 'gossip'" in output
    code, output = vigil("ingest", str(folder), "--json")
    report = json.loads(output)
    assert report["rejected"] == 1
    assert report["rejections"][0]["line"] == 2
    assert report["counts"]["records"]["unchanged"] == 1
    code, listed = vigil("rejects", str(report["run_id"]))
    assert code == 0
    assert "records.jsonl:2: unknown record kind 'gossip'" in listed


def test_strict_refusal_exits_3(write_bundle: BundleWriter) -> None:
    folder = write_bundle(records=[make_record("r1"), b"{oops"])
    code, output = vigil("ingest", str(folder), "--strict", "--quiet")
    assert code == 3
    assert "nothing was taken in" in output
    code, output = vigil("summary", "--json")
    assert json.loads(output)["totals"]["records"] == 0


def test_unreadable_input_exits_4(tmp_path: Path) -> None:
    code, output = vigil("ingest", str(tmp_path / "missing"))
    assert code == 4
    assert "no such file or folder" in output
    code, output = vigil("ingest", str(EXAMPLES / "police-intelligence.csv"))
    assert code == 4
    assert "needs --mapping" in output
    bad_mapping = tmp_path / "bad.yaml"
    bad_mapping.write_text("version: 1\nkind: records\nfields: {}\n")
    code, output = vigil(
        "ingest", str(EXAMPLES / "police-intelligence.csv"), "--mapping", str(bad_mapping)
    )
    assert code == 4
    assert str(bad_mapping) in output


def test_usage_errors_exit_2() -> None:
    assert vigil("ingest")[0] == 2
    assert vigil("ingest", "x", "--no-such-option")[0] == 2


@pytest.mark.parametrize(
    ("export", "mapping"),
    [
        ("police-intelligence.csv", "police-intelligence.mapping.yaml"),
        ("csc-referrals.csv", "csc-referrals.mapping.yaml"),
    ],
)
def test_the_example_csv_exports_go_in_whole_and_only_once(export: str, mapping: str) -> None:
    args = ("ingest", str(EXAMPLES / export), "--mapping", str(EXAMPLES / mapping), "--json")
    code, output = vigil(*args)
    assert code == 0, output
    first = json.loads(output)["counts"]["records"]
    assert first["new"] == first["read"] > 0
    code, output = vigil(*args)
    assert json.loads(output)["counts"]["records"]["unchanged"] == first["read"]


def test_scenario_then_ingest_then_summary(tmp_path: Path) -> None:
    code, output = vigil(
        "scenario", "--seed", "7", "--scale", "0.1", "--out", str(tmp_path), "--quiet"
    )
    assert code == 0, output
    assert (tmp_path / "truth.json").exists()
    code, output = vigil("ingest", str(tmp_path / "bundle"), "--json")
    assert code == 0, output
    records = json.loads(output)["counts"]["records"]["new"]
    code, output = vigil("summary", "--json")
    summary = json.loads(output)
    assert summary["totals"]["records"] == records
    assert set(summary["records_by_agency"]) >= {"police", "children_social_care"}
    code, output = vigil("runs", "--json")
    assert json.loads(output)[0]["status"] == "completed"


def test_every_command_has_help() -> None:
    for command in ("ingest", "rejects", "runs", "summary", "scenario", "demo", "migrate"):
        code, output = vigil(command, "--help")
        assert code == 0
        assert "Usage" in output
