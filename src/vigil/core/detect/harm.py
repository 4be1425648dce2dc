"""Harm weights by Home Office offence code (`harm.yaml`), with where each came from.

The packaged file holds indicative figures (group medians). A user who has the
Cambridge Crime Harm Index's own spreadsheet loads it with `read_cchi_workbook`
and `save_loaded_harm`; `harm_in_force` then lays its per-code scores over the
packaged figures, code by code.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

DEFAULT_HARM = Path(__file__).with_name("harm.yaml")
# Where `vigil harm load` keeps the loaded spreadsheet, under VIGIL_HOME.
LOADED_HARM = Path("harm") / "cchi-loaded.yaml"
LOADED_SOURCE = "cchi_spreadsheet"
UNGROUPED = "Other offences"


@dataclass(frozen=True, slots=True)
class HarmWeight:
    """One offence code's weight in days of imprisonment, and its provenance.

    Attributes:
        code: Home Office Counting Rules classification code.
        label: What the offence is.
        days: Days of imprisonment (the harm weight).
        source: Key of the source text in the file's `sources`.
        basis: What the figure was taken from (a group median, a placeholder).
        indicative: True unless the figure is the index's own score for this code.
        group: The offence group reports total by.
    """

    code: str
    label: str
    days: float
    source: str
    basis: str
    indicative: bool
    group: str = UNGROUPED


@dataclass(frozen=True, slots=True)
class HarmIndex:
    """Harm weights by offence code, and the sources they cite."""

    weights: dict[str, HarmWeight]
    sources: dict[str, str]

    def weight(self, code: str | None) -> HarmWeight | None:
        """The weight of an offence code, or None when the index has none."""
        return self.weights.get(code) if code else None

    def group(self, code: str | None) -> str:
        """The offence group of a code; codes the index lacks share one group."""
        weight = self.weight(code)
        return weight.group if weight is not None else UNGROUPED


def load_harm(path: Path = DEFAULT_HARM) -> HarmIndex:
    """Reads a harm file shaped like the default `harm.yaml`."""
    raw: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    sources = {str(k): str(v) for k, v in raw["sources"].items()}
    weights = {}
    for code, entry in raw["offences"].items():
        if entry["source"] not in sources:
            raise ValueError(f"harm weight {code} cites unknown source {entry['source']!r}")
        weights[str(code)] = HarmWeight(
            code=str(code),
            label=str(entry["label"]),
            days=float(entry["days"]),
            source=str(entry["source"]),
            basis=str(entry["basis"]),
            indicative=bool(entry["indicative"]),
            group=str(entry.get("group") or UNGROUPED),
        )
    return HarmIndex(weights=weights, sources=sources)


def loaded_harm_path(home: Path | None = None) -> Path:
    """Where a loaded spreadsheet is kept: under `home`, else $VIGIL_HOME (default ./var)."""
    base = home if home is not None else Path(os.environ.get("VIGIL_HOME", "var"))
    return base / LOADED_HARM


def harm_in_force(home: Path | None = None) -> HarmIndex:
    """The packaged weights, with a loaded spreadsheet's scores in place of theirs.

    A loaded code keeps the packaged code's group when it has one (the
    spreadsheet's own grouping is not read).
    """
    packaged = load_harm()
    path = loaded_harm_path(home)
    if not path.exists():
        return packaged
    loaded = load_harm(path)
    weights = dict(packaged.weights)
    for code, weight in loaded.weights.items():
        known = packaged.weights.get(code)
        weights[code] = replace(weight, group=known.group) if known is not None else weight
    return HarmIndex(weights=weights, sources={**packaged.sources, **loaded.sources})


class HarmLoadError(ValueError):
    """A spreadsheet that cannot be loaded as it stands; `problems` lists each, by row."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems[:20]) + (" ..." if len(problems) > 20 else ""))
        self.problems = problems


# Header names seen in versions of the Cambridge spreadsheet and hand-made copies,
# compared after lower-casing and turning anything but letters and digits into "_".
CODE_HEADERS = (
    "home_office_classification",
    "home_office_code",
    "home_office_offence_code",
    "ho_classification",
    "ho_code",
    "ho_offence_code",
    "hoc",
    "hocr_code",
    "offence_code",
    "classification",
    "code",
)
SCORE_HEADERS = (
    "cchi",
    "cchi_score",
    "cchi_days",
    "cchi_value",
    "crime_harm_index",
    "cambridge_crime_harm_index",
    "harm_score",
    "harm_index",
    "harm",
    "days",
    "score",
)
LABEL_HEADERS = (
    "offence",
    "offence_description",
    "offence_name",
    "description",
    "home_office_description",
    "ho_description",
    "crime_type",
    "label",
)
HEADER_ROWS_SEARCHED = 10


def _header_key(value: object) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(value or "").strip().lower()).strip("_")


def _find(headers: list[str], wanted: tuple[str, ...]) -> int | None:
    """The column of the first wanted name present, in the order names are wanted."""
    for name in wanted:
        if name in headers:
            return headers.index(name)
    return None


def _code(value: object) -> str:
    """A code cell as text: Excel gives 46 as 46.0."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value if value is not None else "").strip().upper()


@dataclass(frozen=True, slots=True)
class LoadedTable:
    """A spreadsheet read in full: its weights, and where they came from."""

    weights: dict[str, HarmWeight]
    source: str
    sheet: str
    rows_read: int


def read_cchi_workbook(path: Path) -> LoadedTable:
    """Reads the Cambridge index's spreadsheet: one weight per Home Office code.

    The header row is the first of the first rows (on the first sheet that has
    one) naming a code column (such as HOME_OFFICE_CLASSIFICATION) and a score
    column (such as CCHI); an offence description column is read when present.
    Blank rows are skipped.

    Raises:
        HarmLoadError: Naming every bad row by its spreadsheet row number (a
            missing code or score, a score that is not a number of days, one code
            given two different scores), or a workbook with no such header.
    """
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file it cannot read
        raise HarmLoadError([f"{path.name}: not a readable .xlsx workbook ({error})"]) from None
    try:
        for sheet in book.worksheets:
            rows = sheet.iter_rows(values_only=True)
            for number, row in enumerate(rows, start=1):
                if number > HEADER_ROWS_SEARCHED:
                    break
                headers = [_header_key(cell) for cell in row]
                code_at, score_at = _find(headers, CODE_HEADERS), _find(headers, SCORE_HEADERS)
                if code_at is None or score_at is None:
                    continue
                label_at = _find(headers, LABEL_HEADERS)
                return _read_rows(path, sheet.title, rows, number, code_at, score_at, label_at)
    finally:
        book.close()
    raise HarmLoadError(
        [
            f"{path.name}: no header row naming an offence code column "
            "(such as HOME_OFFICE_CLASSIFICATION) and a score column (such as CCHI) "
            f"in the first {HEADER_ROWS_SEARCHED} rows of any sheet"
        ]
    )


def _read_rows(
    path: Path,
    sheet: str,
    rows: Any,
    header_row: int,
    code_at: int,
    score_at: int,
    label_at: int | None,
) -> LoadedTable:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    source = f"{path.name} (sha256 {digest}…), sheet {sheet!r}"
    weights: dict[str, HarmWeight] = {}
    problems: list[str] = []
    read = 0
    for number, row in enumerate(rows, start=header_row + 1):
        cells = list(row) + [None] * 3
        if all(cell is None or str(cell).strip() == "" for cell in row):
            continue
        read += 1
        code, score = _code(cells[code_at]), cells[score_at]
        label = str(cells[label_at] or "").strip() if label_at is not None else ""
        if not code:
            problems.append(f"row {number}: no offence code")
            continue
        days = _days(score)
        if days is None:
            problems.append(f"row {number}: code {code}: score {score!r} is not a number of days")
            continue
        known = weights.get(code)
        if known is not None and known.days != days:
            problems.append(f"row {number}: code {code} given {days:g} days and {known.days:g}")
            continue
        weights[code] = HarmWeight(
            code=code,
            label=label or f"Home Office code {code}",
            days=days,
            source=LOADED_SOURCE,
            basis="Cambridge Crime Harm Index score for this code",
            indicative=False,
        )
    if problems:
        raise HarmLoadError(problems)
    if not weights:
        raise HarmLoadError([f"{path.name}: no rows under the header (row {header_row})"])
    return LoadedTable(weights=weights, source=source, sheet=sheet, rows_read=read)


def _days(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        days = float(value)
    else:
        try:
            days = float(str(value).strip().replace(",", ""))
        except ValueError:
            return None
    return days if days >= 0 and days == days else None  # no negatives, no NaN


def save_loaded_harm(table: LoadedTable, home: Path | None = None) -> Path:
    """Writes a loaded table where `harm_in_force` reads it, replacing any earlier one whole."""
    target = loaded_harm_path(home)
    target.parent.mkdir(parents=True, exist_ok=True)
    loaded_on = datetime.now(UTC).strftime("%Y-%m-%d")
    document = {
        "sources": {
            LOADED_SOURCE: f"Cambridge Crime Harm Index spreadsheet {table.source}, "
            f"loaded {loaded_on} with `vigil harm load`."
        },
        "offences": {
            code: {
                "label": w.label,
                "days": w.days,
                "source": w.source,
                "basis": w.basis,
                "indicative": False,
            }
            for code, w in sorted(table.weights.items())
        },
    }
    partial = target.with_suffix(".partial")
    partial.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), "utf-8")
    partial.replace(target)  # all or nothing: a reader sees the old table or the new one
    return target
