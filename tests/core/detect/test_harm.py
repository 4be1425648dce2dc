"""The harm file, and loading the Cambridge index's own spreadsheet (built here with openpyxl)."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook  # type: ignore[import-untyped]

from vigil.core.detect.harm import (
    UNGROUPED,
    HarmLoadError,
    harm_in_force,
    load_harm,
    loaded_harm_path,
    read_cchi_workbook,
    save_loaded_harm,
)


def workbook(path: Path, rows: list[list[object]], *, title_rows: int = 0) -> Path:
    book = Workbook()
    sheet = book.active
    for n in range(title_rows):
        sheet.append([f"Cambridge Crime Harm Index, note {n}"])
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_every_packaged_figure_has_a_source_group_and_is_marked_indicative() -> None:
    harm = load_harm()
    codes = {"19D", "19E", "19G", "19H", "21", "22B", "71", "72", "88A", "13", "36", "46"}
    codes |= {f"28{x}" for x in "ABCDEFGH"} | {f"58{x}" for x in "ABCD"} | {"45", "48", "105A"}
    assert codes <= harm.weights.keys()
    for weight in harm.weights.values():
        assert weight.source in harm.sources and harm.sources[weight.source].strip()
        assert weight.indicative  # all are group medians or placeholders
        assert weight.group != UNGROUPED
        assert weight.days > 0
    assert harm.group("19E") == "Rape" and harm.group("28E") == "Residential burglary"
    assert harm.group("999Z") == UNGROUPED and harm.weight("999Z") is None


def test_loads_the_spreadsheet_with_its_own_headers(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "cchi.xlsx",
        [
            ["HOME_OFFICE_CLASSIFICATION", "OFFENCE_DESCRIPTION", "CCHI"],
            ["19E", "Rape of a female child under 13", 5475],
            [46, "Shoplifting", 1.0],  # Excel keeps numeric codes as numbers
            [None, None, None],  # a blank row is skipped
            ["58c", "Criminal damage to a vehicle", "2"],
        ],
        title_rows=2,
    )
    table = read_cchi_workbook(path)
    assert set(table.weights) == {"19E", "46", "58C"}
    assert table.weights["19E"].days == 5475 and not table.weights["19E"].indicative
    assert table.weights["46"].label == "Shoplifting"
    assert table.rows_read == 3


@pytest.mark.parametrize(
    "headers",
    [
        ["Home Office Code", "Offence", "CCHI score"],
        ["ho_code", "description", "Crime Harm Index"],
        ["HOCR code", "Label", "Harm score"],
    ],
)
def test_header_variants(tmp_path: Path, headers: list[str]) -> None:
    path = workbook(tmp_path / "variant.xlsx", [headers, ["88A", "Sexual grooming", 365]])
    assert read_cchi_workbook(path).weights["88A"].days == 365


def test_bad_rows_are_all_reported_by_row_number_and_nothing_is_loaded(tmp_path: Path) -> None:
    home = tmp_path / "home"
    path = workbook(
        tmp_path / "bad.xlsx",
        [
            ["HOME_OFFICE_CLASSIFICATION", "CCHI"],
            ["19E", 5475],  # row 2: fine
            [None, 30],  # row 3: no code
            ["46", "one day"],  # row 4: not a number
            ["58A", -2],  # row 5: negative
            ["19E", 10],  # row 6: the same code with another score
        ],
    )
    with pytest.raises(HarmLoadError) as caught:
        read_cchi_workbook(path)
    problems = caught.value.problems
    assert [p.split(":")[0] for p in problems] == ["row 3", "row 4", "row 5", "row 6"]
    assert not loaded_harm_path(home).exists()
    assert harm_in_force(home).weight("19E").days == 2555  # type: ignore[union-attr]


def test_no_header_or_not_a_workbook(tmp_path: Path) -> None:
    with pytest.raises(HarmLoadError, match="no header row"):
        read_cchi_workbook(workbook(tmp_path / "x.xlsx", [["code only"], ["19E"]]))
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip")
    with pytest.raises(HarmLoadError, match="not a readable"):
        read_cchi_workbook(broken)


def test_loaded_scores_replace_packaged_figures_code_by_code(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "cchi.xlsx",
        [["HOME_OFFICE_CLASSIFICATION", "CCHI"], ["19E", 5475], ["8N", 91]],
    )
    home = tmp_path / "home"
    assert harm_in_force(home).weight("19E").days == 2555  # type: ignore[union-attr]
    saved = save_loaded_harm(read_cchi_workbook(path), home)
    assert saved == loaded_harm_path(home)
    harm = harm_in_force(home)
    loaded = harm.weight("19E")
    assert loaded is not None and loaded.days == 5475 and not loaded.indicative
    assert loaded.group == "Rape"  # the packaged group is kept
    assert harm.weight("8N").days == 91  # type: ignore[union-attr]
    assert harm.weight("46").indicative  # type: ignore[union-attr]  # not in the sheet: kept
    assert "cchi.xlsx" in harm.sources[loaded.source]
