"""`vigil harm load/show`, `vigil report performance` and `vigil alerts escalate` from the shell."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook  # type: ignore[import-untyped]
from tests.conftest import BundleWriter, make_record
from typer.testing import CliRunner

from vigil.cli import app
from vigil.web.alerts import models
from vigil.web.records.services import bundle_ingest

pytestmark = pytest.mark.django_db(transaction=True)
runner = CliRunner()


def vigil(*args: str) -> Any:
    return runner.invoke(app, list(args))


@pytest.fixture(autouse=True)
def home(tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch) -> Path:
    settings.VIGIL_HOME = tmp_path / "home"
    monkeypatch.setenv("VIGIL_AUDIT_KEY", str(tmp_path / "audit.pem"))
    return settings.VIGIL_HOME  # type: ignore[no-any-return]


def sheet(path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def test_harm_load_then_show(tmp_path: Path, home: Path) -> None:
    path = sheet(
        tmp_path / "cchi.xlsx",
        [
            ["HOME_OFFICE_CLASSIFICATION", "Offence", "CCHI"],
            ["19E", "Rape of a girl under 13", 5475],
        ],
    )
    result = vigil("harm", "load", str(path))
    assert result.exit_code == 0, result.output
    assert (home / "harm" / "cchi-loaded.yaml").exists()
    shown = vigil("harm", "show", "--json")
    assert shown.exit_code == 0, shown.output
    data = json.loads(shown.stdout)
    by_code = {w["code"]: w for w in data["weights"]}
    assert by_code["19E"]["days"] == 5475 and by_code["19E"]["indicative"] is False
    assert by_code["46"]["indicative"] is True
    table = vigil("harm", "show")
    assert "5,475" in table.stdout and "cchi_spreadsheet" in table.stdout


def test_harm_load_refuses_a_bad_sheet_whole(tmp_path: Path, home: Path) -> None:
    path = sheet(
        tmp_path / "bad.xlsx",
        [["HOME_OFFICE_CLASSIFICATION", "CCHI"], ["19E", 5475], ["46", "n/a"], ["", 3]],
    )
    result = vigil("harm", "load", str(path))
    assert result.exit_code == 4
    assert "row 3" in result.output and "row 4" in result.output
    assert not (home / "harm" / "cchi-loaded.yaml").exists()
    assert vigil("harm", "load", str(tmp_path / "missing.xlsx")).exit_code == 2


@pytest.fixture
def town(write_bundle: BundleWriter) -> None:
    """Ten shoplifting crimes, all charged; one rape of a child, no action."""
    records = [
        make_record(
            f"shop-{i}",
            offence="46",
            recorded_at=f"2003-0{1 + i % 9}-01T10:00:00Z",
            occurred_on="2003-01-01",
        )
        for i in range(10)
    ]
    records.append(make_record("rape-1", offence="19E", recorded_at="2003-05-05T10:00:00Z"))
    records.append(make_record("grooming-1", offence="88A", recorded_at="2004-05-05T10:00:00Z"))
    # Intelligence about a girl of 14 with a man of 27: a concern record with no offence code.
    records.append(make_record("intel-1", offence=None, recorded_at="2003-06-05T10:00:00Z"))
    records.append(
        make_record("note-1", offence=None, mentions=[], recorded_at="2003-06-05T10:00:00Z")
    )
    actions = [
        {
            "id": f"act-{i}",
            "agency": "police",
            "kind": "charge",
            "taken_at": "2003-12-01T10:00:00Z",
            "record_ids": [f"shop-{i}"],
        }
        for i in range(10)
    ]
    actions.append(
        {
            "id": "act-nfa",
            "agency": "police",
            "kind": "no_further_action",
            "taken_at": "2003-12-01T10:00:00Z",
            "record_ids": ["rape-1"],
            "rationale": "Victim did not support a prosecution.",
        }
    )
    bundle_ingest(path=write_bundle(records=records, actions=actions))


def test_report_performance_shows_what_volume_hides(town: None) -> None:
    result = vigil("report", "performance", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    rows = {(r["year"], r["group"]): r for r in data["rows"]}
    shop, rape = rows[(2003, "Shoplifting")], rows[(2003, "Rape")]
    assert (shop["records"], shop["actioned"], shop["volume_share"]) == (10, 10, 1.0)
    assert (rape["records"], rape["actioned"], rape["harm_share"]) == (1, 0, 0.0)
    concern = rows[(2003, "Concerns, no offence code")]
    assert (concern["records"], concern["actioned"], concern["harm"]) == (1, 0, 182.0)
    (y2003, y2004) = data["years"]
    assert y2003["volume_share"] == round(10 / 12, 4)  # the note with no one in it is left out
    assert y2003["harm_share"] == round(10 / (10 + 2555 + 182), 4)
    assert y2004["records"] == 1 and data["indicative"] is True
    assert data["groups"][0] == "Rape"

    as_csv = vigil("report", "performance", "--csv")
    assert as_csv.exit_code == 0, as_csv.output
    lines = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert {(r["year"], r["group"]) for r in lines} == {
        ("2003", "Rape"),
        ("2003", "Concerns, no offence code"),
        ("2003", "Shoplifting"),
        ("2004", "Other sexual offences"),
    }
    table = vigil("report", "performance")
    assert table.exit_code == 0 and "Shoplifting" in table.stdout and "100%" in table.stdout
    assert vigil("report", "performance", "--json", "--csv").exit_code == 2


def test_alerts_escalate_command(town: None) -> None:
    from tests.core.detect.helpers import build, concern, day

    from vigil.core.detect import detect
    from vigil.web.alerts import services

    found = detect(
        build(concern("r1", 1, "a1", "c1"), concern("r2", 2, "a1", "c2")),
        as_of=day(10),
        rules=("adult_linked_to_children",),
    )
    services._write_alerts(found, {}, default_raised_at=day(10), what="test")
    result = vigil("alerts", "escalate", "--as-of", "2010-02-01")
    assert result.exit_code == 0, result.output
    (alert,) = models.Alert.objects.all()
    assert alert.alert_id in result.stdout and alert.escalated_to == "supervisor"
