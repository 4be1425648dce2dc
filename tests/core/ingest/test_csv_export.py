"""Reading CSV exports through mapping files: the examples, bad rows, bad mappings, big files."""

from __future__ import annotations

import tracemalloc
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from vigil.core.contract import parse_access, parse_action, parse_record, parse_staff
from vigil.core.ingest.csv_export import CsvExport, open_csv_export
from vigil.core.ingest.mapping import load_mapping
from vigil.core.ingest.source import SourceError, SourceFile, SourceLine

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "examples"
DATA = Path(__file__).parent / "data"
POLICE_CSV = EXAMPLES / "police-intelligence.csv"
POLICE_MAP = EXAMPLES / "police-intelligence.mapping.yaml"
CSC_CSV = EXAMPLES / "csc-referrals.csv"
CSC_MAP = EXAMPLES / "csc-referrals.mapping.yaml"


def read(csv_path: Path, mapping_path: Path) -> list[SourceLine]:
    return list(open_csv_export(csv_path, mapping_path).lines())


def good(lines: list[SourceLine]) -> dict[str, dict[str, Any]]:
    """The mapped objects by id, failing on any row error."""
    errors = [(line.line, line.error) for line in lines if line.error]
    assert errors == []
    by_id: dict[str, dict[str, Any]] = {}
    for line in lines:
        assert isinstance(line.data, dict)
        by_id[line.data["id"]] = line.data
    return by_id


def outcome(line: SourceLine) -> str:
    """The row's error, or the id it maps to."""
    if line.error:
        return line.error
    assert isinstance(line.data, dict)
    return str(line.data["id"])


def mentions(record: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {mention["ref"]: mention for mention in record.get("mentions", [])}


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_text(text, encoding=encoding, newline="")
    return path


# The examples


def test_export_is_a_source_file() -> None:
    export: SourceFile = open_csv_export(POLICE_CSV, POLICE_MAP)
    assert isinstance(export, CsvExport)
    assert (export.name, export.kind, export.size) == (
        str(POLICE_CSV),
        "records",
        POLICE_CSV.stat().st_size,
    )


@pytest.mark.parametrize(
    ("csv_name", "mapping_name", "parse", "count"),
    [
        ("police-intelligence.csv", "police-intelligence.mapping.yaml", parse_record, 24),
        ("csc-referrals.csv", "csc-referrals.mapping.yaml", parse_record, 20),
        ("csc-referrals.csv", "csc-referrals.actions.mapping.yaml", parse_action, 20),
        ("police-staff.tsv", "police-staff.mapping.yaml", parse_staff, 5),
    ],
)
def test_every_example_row_maps_and_passes_the_contract(
    csv_name: str, mapping_name: str, parse: Any, count: int
) -> None:
    lines = read(EXAMPLES / csv_name, EXAMPLES / mapping_name)
    assert len(good(lines)) == count
    for line in lines:
        parse(line.data)


def test_access_rows_map_and_keep_their_offsets() -> None:
    lines = read(DATA / "access-log.csv", DATA / "access-log.mapping.yaml")
    assert [line.error for line in lines] == [None, None, None]
    access = [parse_access(line.data) for line in lines]
    assert access[1].at == datetime(2022, 6, 16, 8, 30, tzinfo=UTC)
    assert [item.purpose for item in access] == ["read", "print", "read"]


def test_line_numbers_count_physical_lines_of_quoted_values() -> None:
    lines = read(POLICE_CSV, POLICE_MAP)
    numbers = {line.data["id"]: line.line for line in lines if isinstance(line.data, dict)}
    # INT-22-00519's text holds two newlines, so the row after it starts three lines later.
    assert numbers["pol-INT-22-00519"] == 3
    assert numbers["pol-CRM-22-01877"] == 6
    # Two title lines and the header come before the first referral.
    assert read(CSC_CSV, CSC_MAP)[0].line == 4


@pytest.mark.parametrize(
    ("record_id", "written", "utc"),
    [
        ("pol-INT-22-00412", "2022-01-14T09:47:00+00:00", datetime(2022, 1, 14, 9, 47)),
        ("pol-INT-22-00802", "2022-06-27T16:40:00+01:00", datetime(2022, 6, 27, 15, 40)),
        # The clocks go forward at 01:00 GMT on 26 March 2023.
        ("pol-CRM-23-00310", "2023-03-26T00:30:00+00:00", datetime(2023, 3, 26, 0, 30)),
        ("pol-INT-23-00288", "2023-03-26T02:30:00+01:00", datetime(2023, 3, 26, 1, 30)),
        # 01:30 on 30 October 2022 happened twice; the first (BST) is taken.
        ("pol-INT-22-01190", "2022-10-30T01:30:00+01:00", datetime(2022, 10, 30, 0, 30)),
        ("pol-INT-23-00840", "2023-11-14T14:30:00+00:00", datetime(2023, 11, 14, 14, 30)),
    ],
)
def test_local_times_get_the_uk_zone_of_their_date(
    record_id: str, written: str, utc: datetime
) -> None:
    record = good(read(POLICE_CSV, POLICE_MAP))[record_id]
    assert record["recorded_at"] == written
    assert parse_record(record).recorded_at == utc.replace(tzinfo=UTC)


def test_a_time_the_spring_change_skips_takes_the_winter_offset(tmp_path: Path) -> None:
    mapping = write(tmp_path, "map.yaml", BASE)
    data = write(tmp_path, "export.csv", HEADER + "1,26/03/2023 01:30,INT,\n")
    (line,) = read(data, mapping)
    assert isinstance(line.data, dict)
    assert line.data["recorded_at"] == "2023-03-26T01:30:00+00:00"


def test_csc_times_read_month_names_and_dates_keep_their_precision() -> None:
    records = good(read(CSC_CSV, CSC_MAP))
    assert records["csc-ref-R2300215"]["recorded_at"] == "2023-03-27T07:50:00+01:00"
    assert mentions(records["csc-ref-R2300102"])["c1"]["dob"] == "2012-02"
    police = good(read(POLICE_CSV, POLICE_MAP))
    assert police["pol-INT-22-00731"]["occurred_on"] == "2022-06"
    # A date written with a time gives the date alone.
    assert police["pol-INC-22-03110"]["occurred_on"] == "2022-07-30"
    assert "occurred_on" not in police["pol-INT-23-00702"]
    actions = good(read(CSC_CSV, EXAMPLES / "csc-referrals.actions.mapping.yaml"))
    assert actions["csc-act-R2300034"]["taken_at"] == "2023-01-16"


def test_partial_plates_are_kept_as_written() -> None:
    records = good(read(POLICE_CSV, POLICE_MAP))
    plates = {
        record_id: mentions(record)["v1"]["vrm"]
        for record_id, record in records.items()
        if "v1" in mentions(record)
    }
    assert plates["pol-INT-22-00412"] == "YB02 KL?"
    assert plates["pol-INT-22-01013"] == "??61 LRF"
    assert plates["pol-INT-22-01190"] == "MF19 ???"


def test_empty_optional_columns_make_no_mention_and_no_link() -> None:
    records = good(read(POLICE_CSV, POLICE_MAP))
    no_subject = records["pol-INT-22-00731"]
    assert set(mentions(no_subject)) == {"p2", "v1", "a1"}
    assert no_subject["links"] == [{"from": "p2", "to": "v1", "type": "drove"}]
    # Colour and make are given but the VRM is empty: no vehicle.
    assert set(mentions(records["pol-INT-22-00519"])) == {"p1", "p2", "ph1", "a1"}
    assert set(mentions(records["pol-INT-22-01322"])) == {"p1"}
    assert "links" not in records["pol-INT-22-01322"]
    referrals = good(read(CSC_CSV, CSC_MAP))
    anonymous = mentions(referrals["csc-ref-R2300102"])
    assert set(anonymous) == {"c1"}
    # "N/K" is one of the export's null values: the suspect has no age.
    suspect = mentions(referrals["csc-ref-R2200240"])["p2"]
    assert "age" not in suspect
    assert suspect["description"] == "Relationship to child: Unknown adult"


def test_maps_templates_joins_and_extras() -> None:
    record = good(read(POLICE_CSV, POLICE_MAP))["pol-INT-22-00802"]
    assert record["kind"] == "intelligence"
    assert record["sensitivity"] == "official-sensitive-conditions"
    assert record["shared_with"] == ["children_social_care", "health"]
    assert record["grading"] == "B3C"
    assert record["offence"] == "71"
    assert parse_record(record).extra == {"grading": "B3C"}
    missing = good(read(POLICE_CSV, POLICE_MAP))["pol-MIS-22-00233"]
    assert "grading" not in missing
    assert missing["sensitivity"] == "official-sensitive"
    referral = good(read(CSC_CSV, CSC_MAP))["csc-ref-R2200690"]
    child = mentions(referral)["c1"]
    assert child["name"] == "Grace Okafor"
    assert child["address"] == "22 Birch Road, Flat 3, Marsford"
    assert child["identifiers"] == {"nhs": "999 000 3302", "lcs": "CH11402"}
    assert referral["offence"] == "88A"
    neglect = good(read(CSC_CSV, CSC_MAP))["csc-ref-R2300034"]
    assert "offence" not in neglect


def test_cp1252_text_is_decoded() -> None:
    records = good(read(CSC_CSV, CSC_MAP))
    assert mentions(records["csc-ref-R2300577"])["c1"]["name"] == "Zoë Marsh"
    assert "‘Dean’" in records["csc-ref-R2200118"]["text"]
    assert "£34" in records["csc-ref-R2200377"]["text"]
    assert records["csc-ref-R2200377"]["concern_category"] == "Exploitation – Criminal"


# Bad rows


def test_bad_rows_are_named_by_their_first_line() -> None:
    lines = read(DATA / "police-bad-rows.csv", POLICE_MAP)
    found = [(line.line, outcome(line)) for line in lines]
    expected = [
        (2, "pol-BAD-0001"),
        (3, "pol-BAD-0002"),
        (6, "recorded_at: column 'Date/Time Entered': '31/02/2023 10:00' is not a real date"),
        (7, "id is required, but template 'pol-{URN}' is empty"),
        (8, "the row has 22 values but the header has 25 columns"),
        (9, "kind: column 'Record Type': 'XYZ' is not in the map"),
        (10, "p1.dob: column 'Subject DOB': '2007-03-02' does not match %d/%m/%Y"),
        (11, "line 11 is not valid utf-8-sig (byte 55 of the line)"),
        (12, "p2.age: column 'Associate Age': 'about 30' is not a number"),
        (13, "recorded_at: column 'Date/Time Entered': '2023-01-01 10:00' does not match"),
        (15, "pol-BAD-0015"),
        (17, "a quoted value has text after its closing quote"),
        (19, "pol-BAD-0019"),
        (20, "a quoted value is not closed before the end of the file"),
    ]
    assert len(found) == len(expected)
    for (number, text), (want_number, want_text) in zip(found, expected, strict=True):
        assert number == want_number
        assert text.startswith(want_text), (number, text)
    # Every problem of a row is reported, not only the first.
    assert "p1.gender: column 'Subject Sex': 'X' is not in the map" in found[9][1]
    assert lines[2].excerpt.startswith("BAD-0006,INT,31/02/2023 10:00")


def test_invalid_cp1252_bytes_and_blank_rows(tmp_path: Path) -> None:
    mapping = write(
        tmp_path,
        "map.yaml",
        "csv: {encoding: cp1252}\n"
        "fields: {id: {column: Ref}, agency: police, kind: other, recorded_at: {column: When}}\n",
    )
    data = tmp_path / "export.csv"
    data.write_bytes(
        b"Ref,When\r\ncaf\xe9,2023-01-01\r\n\r\n,\r\nbad\x81,2023-01-01\r\nok,2023-01-02\r\n"
    )
    lines = read(data, mapping)
    assert [(line.line, line.error) for line in lines] == [
        (2, None),
        (5, "line 5 is not valid cp1252 (byte 4 of the line)"),
        (6, None),
    ]
    assert lines[0].data == {
        "id": "café",
        "agency": "police",
        "kind": "other",
        "recorded_at": "2023-01-01",
    }


def test_a_utf8_file_under_a_cp1252_mapping_is_refused(tmp_path: Path) -> None:
    mapping = write(
        tmp_path,
        "map.yaml",
        "csv: {encoding: cp1252}\n"
        "fields: {id: {column: Ref}, agency: police, kind: other, recorded_at: {column: When}}\n",
    )
    data = write(tmp_path, "export.csv", "\ufeffRef,When\nA,2023-01-01\n")
    with pytest.raises(SourceError, match="byte order mark"):
        open_csv_export(data, mapping)


def test_required_mentions_lists_when_and_case_insensitive_maps(tmp_path: Path) -> None:
    mapping = write(
        tmp_path,
        "map.yaml",
        """
when: [Ref, Name]
fields:
  id: {template: "x-{Ref}"}
  agency: police
  kind: {column: Type, map: {Intel: intelligence}}
  recorded_at: {column: When}
  shared_with: {column: Sent, split: ";", map: {csc: children_social_care, health: health}}
mentions:
  - ref: p1
    type: person
    required: true
    fields: {name: {column: Name}}
""",
    )
    data = write(
        tmp_path,
        "export.csv",
        "Ref,Type,When,Sent,Name\n"
        "1,INTEL,2023-01-01,csc; CSC ;Health;,Ann\n"
        ",,,,\n"
        ",intel,2023-01-01,,\n"
        "2,intel,2023-01-01,,\n",
    )
    lines = read(data, mapping)
    assert lines[0].data == {
        "id": "x-1",
        "agency": "police",
        "kind": "intelligence",
        "recorded_at": "2023-01-01",
        "shared_with": ["children_social_care", "health"],
        "mentions": [{"ref": "p1", "type": "person", "name": "Ann"}],
    }
    # Line 3 is empty and line 4 has neither Ref nor Name: both passed over.
    assert [(line.line, line.error) for line in lines[1:]] == [
        (5, "p1: this mention is required, but its columns are empty"),
    ]


# Bad mappings

HEADER = "Ref,When,Type,Name\n"
BASE = """
timezone: Europe/London
fields:
  id: {template: "x-{Ref}"}
  agency: police
  kind: {column: Type, map: {INT: intelligence}}
  recorded_at: {column: When, format: "%d/%m/%Y %H:%M"}
"""
PERSON = """
mentions:
  - ref: p1
    type: person
    fields: {name: {column: Name}}
"""


@pytest.mark.parametrize(
    ("text", "key", "reason"),
    [
        (BASE + "feilds: {}\n", "feilds", "unknown key 'feilds' (did you mean 'fields'?)"),
        (
            BASE.replace('  recorded_at: {column: When, format: "%d/%m/%Y %H:%M"}\n', ""),
            "fields",
            "the required field 'recorded_at' has no rule",
        ),
        (
            BASE + "  ocurred_on: {column: When}\n",
            "fields.ocurred_on",
            "did you mean 'occurred_on'?",
        ),
        (
            BASE.replace("timezone: Europe/London", ""),
            "fields.recorded_at.format",
            "have no zone: add timezone:",
        ),
        (
            BASE.replace("Europe/London", "Europe/Londn"),
            "timezone",
            "unknown time zone 'Europe/Londn'",
        ),
        (BASE.replace("{INT: intelligence}", "{INT: intel}"), "fields.kind.map.INT", "'intel'"),
        (BASE.replace("agency: police", "agency: {colum: Ref}"), "fields.agency.colum", "column"),
        (
            BASE.replace('{template: "x-{Ref}"}', '{template: "x-{Ref}", column: Ref}'),
            "fields.id",
            "exactly one of column, columns, value or template",
        ),
        (BASE.replace('"x-{Ref}"', '"x-{Ref"'), "fields.id.template", "unmatched '{'"),
        (
            BASE.replace("{INT: intelligence}", "{INT: intelligence, int: crime}"),
            "fields.kind.map.int",
            "the same as 'INT'",
        ),
        (BASE + "  agency: health\n", "fields.agency", "given twice"),
        (BASE + "csv: {encoding: utf-16}\n", "csv.encoding", "not supported"),
        (BASE + "csv: {encoding: klingon}\n", "csv.encoding", "unknown encoding"),
        (BASE + "csv: {delimiter: ';;'}\n", "csv.delimiter", "one character"),
        (BASE.replace("%H:%M", "%H:%Q"), "fields.recorded_at.format", "%Q"),
        (BASE.replace("%d/%m/%Y %H:%M", "%d/%m %H:%M"), "fields.recorded_at.format", "no year"),
        (BASE.replace("%d/%m/%Y %H:%M", "%m/%Y"), "fields.recorded_at.format", "needs a full"),
        (
            BASE + "  offence: {value: '71', map: {a: b}}\n",
            "fields.offence.map",
            "no effect on a constant",
        ),
        (
            BASE.replace('{template: "x-{Ref}"}', '{template: "x-{Ref}", required: false}'),
            "fields.id.required",
            "always required",
        ),
        (BASE + "  title: {column: Name, split: ','}\n", "fields.title.split", "list fields"),
        (BASE + "extra: {kind: {column: Name}}\n", "extra.kind", "field of the contract"),
        (BASE + PERSON + "  - {ref: p1, type: person, fields: {name: x}}\n", "mentions[1]", "p1"),
        (BASE + PERSON.replace("person", "human"), "mentions[0].type", "must be one of"),
        (
            BASE + PERSON.replace("name:", "vrn:"),
            "mentions[0].fields.vrn",
            "did you mean 'vrm'?",
        ),
        (
            BASE + PERSON.replace("name:", "role:"),
            "mentions[0].fields.role",
            "role: goes beside ref: and type:",
        ),
        (
            BASE + PERSON + "links: [{from: p1, to: v1, type: drove}]\n",
            "links[0].to",
            "no mention has ref 'v1'",
        ),
        ("kind: staff\nfields: {id: {column: Ref}}\n", "fields", "field 'agency' has no rule"),
        (BASE + "kind: records\nsubjects: []\n", "subjects", "only actions have subjects"),
        (BASE + "version: 2\n", "version", "mapping version 1"),
        ("fields: [id, agency]\n", "fields", "must be a table"),
    ],
)
def test_bad_mappings_name_the_file_the_key_and_the_reason(
    tmp_path: Path, text: str, key: str, reason: str
) -> None:
    mapping = write(tmp_path, "bad.mapping.yaml", text)
    with pytest.raises(SourceError) as raised:
        load_mapping(mapping)
    message = str(raised.value)
    assert message.startswith(f"{mapping}:")
    assert f": {key}: " in message
    assert reason in message


def test_yaml_syntax_errors_give_the_line(tmp_path: Path) -> None:
    mapping = write(tmp_path, "bad.yaml", "fields:\n  id: [unclosed\n")
    with pytest.raises(SourceError, match=r"bad\.yaml:3: not valid YAML"):
        load_mapping(mapping)


def test_yaml_values_are_kept_as_written(tmp_path: Path) -> None:
    # Plain YAML would read 022 as the number 18 and NO as false.
    mapping = write(
        tmp_path,
        "map.yaml",
        BASE + "  offence: {column: Name, map: {NO: 022, yes: 8}}\n",
    )
    data = write(tmp_path, "export.csv", HEADER + "1,14/06/2023 10:00,INT,no\n")
    (line,) = read(data, mapping)
    assert isinstance(line.data, dict)
    assert line.data["offence"] == "022"


def test_columns_missing_from_the_header_are_all_named(tmp_path: Path) -> None:
    mapping = write(tmp_path, "map.yaml", BASE + PERSON.replace("Name}", "Nmae}"))
    data = write(tmp_path, "export.csv", "Ref,Type,Name\n1,INT,Ann\n")
    with pytest.raises(SourceError) as raised:
        open_csv_export(data, mapping)
    problems = str(raised.value).splitlines()
    assert problems == [
        f"{mapping}:7: fields.recorded_at: column 'When' is not in the header of {data}",
        f"{mapping}:12: mentions[0].fields.name: column 'Nmae' is not in the header of {data}"
        " (did you mean 'Name'?)",
    ]


def test_a_bare_value_that_names_a_column_is_refused(tmp_path: Path) -> None:
    mapping = write(tmp_path, "map.yaml", BASE + "  author: Name\n")
    data = write(tmp_path, "export.csv", HEADER)
    with pytest.raises(SourceError, match=r"fields\.author: 'Name' is a column of"):
        open_csv_export(data, mapping)


def test_a_column_named_twice_in_the_header_is_refused(tmp_path: Path) -> None:
    mapping = write(tmp_path, "map.yaml", BASE)
    data = write(tmp_path, "export.csv", "Ref,When,Type,Ref\n")
    with pytest.raises(SourceError, match="column 'Ref' appears more than once"):
        open_csv_export(data, mapping)


def test_missing_and_empty_files(tmp_path: Path) -> None:
    mapping = write(tmp_path, "map.yaml", BASE)
    with pytest.raises(SourceError, match=r"no-such\.csv: cannot read"):
        open_csv_export(tmp_path / "no-such.csv", mapping)
    with pytest.raises(SourceError, match=r"no-such\.yaml: cannot read the mapping"):
        open_csv_export(POLICE_CSV, tmp_path / "no-such.yaml")
    with pytest.raises(SourceError, match="the file has no header line"):
        open_csv_export(write(tmp_path, "empty.csv", "\n\n"), mapping)
    with pytest.raises(SourceError, match="the mapping file is empty"):
        load_mapping(write(tmp_path, "empty.yaml", "# nothing\n"))


# Size


def test_progress_adds_up_to_the_file_size() -> None:
    export = open_csv_export(POLICE_CSV, POLICE_MAP)
    read_bytes: list[int] = []
    for _ in export.lines(read_bytes.append):
        pass
    assert sum(read_bytes) == export.size


@pytest.mark.slow
def test_a_large_export_streams_in_bounded_memory(tmp_path: Path) -> None:
    rows = 200_000
    mapping = write(
        tmp_path,
        "map.yaml",
        "fields: {id: {template: 'r-{Ref}'}, agency: police, kind: other,"
        " recorded_at: {column: When}, text: {column: Text}}\n",
    )
    data = tmp_path / "big.csv"
    with data.open("w", encoding="utf-8", newline="") as handle:
        handle.write("Ref,When,Text\r\n")
        for number in range(rows):
            handle.write(f'{number},2023-06-14T10:00:00Z,"Row {number}, some text"\r\n')
    export = open_csv_export(data, mapping)
    tracemalloc.start()
    try:
        count = 0
        last: SourceLine | None = None
        for line in export.lines():
            count += 1
            last = line
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == rows
    assert last is not None
    assert last.line == rows + 1
    assert peak < 1_000_000, f"peak {peak} bytes for a {export.size} byte file"
