"""The contract's checks, one line at a time."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from vigil.core.contract import (
    ContractError,
    parse_access,
    parse_action,
    parse_record,
    parse_staff,
)
from vigil.core.normalise.dates import PartialDate


def record(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": "pol-int-000123",
        "agency": "police",
        "kind": "intelligence",
        "occurred_on": "2001-06",
        "recorded_at": "2001-06-15T10:22:00+01:00",
        "mentions": [
            {"ref": "p1", "type": "person", "role": "victim", "name": "Kayla Test", "age": 14},
            {"ref": "v1", "type": "vehicle", "vrm": "YB02 KL?"},
        ],
        "links": [{"from": "p1", "to": "v1", "type": "passenger"}],
    }
    base.update(changes)
    return {key: value for key, value in base.items() if value is not ...}


def test_the_specs_example_record_reads() -> None:
    parsed = parse_record(record(extra_field={"kept": True}))
    assert parsed.recorded_at == datetime(2001, 6, 15, 9, 22, tzinfo=UTC)
    assert parsed.occurred_on == PartialDate(2001, 6)
    assert [m.ref for m in parsed.mentions] == ["p1", "v1"]
    assert parsed.mentions[1].vrm == "YB02 KL?"
    assert parsed.links[0].from_ref == "p1"
    assert parsed.extra == {"extra_field": {"kept": True}}


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"id": ...}, "required field 'id' is missing"),
        ({"id": 123}, "field 'id' must be a string, not a number"),
        ({"id": "  "}, "required field 'id' is empty"),
        ({"agency": ...}, "required field 'agency' is missing"),
        ({"kind": "gossip"}, "unknown record kind 'gossip'"),
        ({"recorded_at": ...}, "required field 'recorded_at' is missing"),
        ({"recorded_at": "2001-06"}, "not an ISO 8601 date-time"),
        ({"recorded_at": "2001-06-15T10:22:00"}, "has no zone"),
        ({"recorded_at": "2001-13-01"}, "month 13 does not exist"),
        ({"occurred_on": "2001-02-29"}, "day 29 does not exist in 2001-02"),
        ({"occurred_on": "1850"}, "year 1850 is outside"),
        ({"occurred_on": "yesterday"}, "not a date"),
        ({"mentions": {"ref": "p1"}}, "field 'mentions' must be a list, not an object"),
        ({"mentions": ["p1"]}, "mentions[0] must be an object, not a string"),
        ({"mentions": [{"ref": "p1", "type": "dog"}]}, "mentions[0]: unknown mention type 'dog'"),
        ({"mentions": [{"type": "person"}]}, "mentions[0]: required field 'ref' is missing"),
        (
            {"mentions": [{"ref": "p1", "type": "person", "age": "14"}], "links": []},
            "mentions[0]: field 'age' must be a number, not a string",
        ),
        (
            {"mentions": [{"ref": "p1", "type": "person", "age": 200}], "links": []},
            "between 0 and 130",
        ),
        (
            {"mentions": [{"ref": "p1", "type": "person", "aliases": "Mo"}], "links": []},
            "field 'aliases' must be a list",
        ),
        (
            {"mentions": [{"ref": "p1", "type": "person"}, {"ref": "p1", "type": "person"}]},
            "mention ref 'p1' is used twice",
        ),
        (
            {"links": [{"from": "p1", "to": "p9", "type": "with"}]},
            "links[0] points at ref 'p9', which no mention defines",
        ),
        ({"links": [{"from": "p1", "to": "v1"}]}, "links[0]: required field 'type' is missing"),
        ({"shared_with": "police"}, "field 'shared_with' must be a list"),
        ({"attendees": [1]}, "attendees[0] must be a string"),
        ({"offence": ["22B"]}, "field 'offence' must be a string"),
    ],
)
def test_a_bad_record_is_refused_with_its_reason(changes: dict[str, Any], reason: str) -> None:
    with pytest.raises(ContractError, match=None) as caught:
        parse_record(record(**changes))
    assert reason in str(caught.value)


@pytest.mark.parametrize("value", [None, [], "text", 3, True])
def test_a_line_that_is_not_an_object_is_refused(value: object) -> None:
    with pytest.raises(ContractError, match="a line must be a JSON object"):
        parse_record(value)


def test_null_optional_fields_are_absent() -> None:
    parsed = parse_record(record(occurred_on=None, text=None, mentions=None, links=None))
    assert parsed.occurred_on is None
    assert parsed.mentions == ()


def test_numeric_offence_codes_are_read_as_text() -> None:
    assert parse_record(record(offence=71)).offence == "71"


def test_a_full_date_is_accepted_as_midnight_utc_for_recorded_at() -> None:
    assert parse_record(record(recorded_at="2001-06-15")).recorded_at == datetime(
        2001, 6, 15, tzinfo=UTC
    )


def test_staff_action_and_access_lines() -> None:
    assert parse_staff({"id": "pol-1", "agency": "police", "team": "PPU"}).team == "PPU"
    with pytest.raises(ContractError, match="'agency' is missing"):
        parse_staff({"id": "pol-1"})
    action = parse_action(
        {
            "id": "act-1",
            "agency": "police",
            "kind": "no_further_action",
            "taken_at": "2001-07-01T09:00:00Z",
            "subjects": [{"record_id": "r1", "ref": "p2"}],
            "approved_by": None,
        }
    )
    assert action.subjects[0].ref == "p2"
    assert action.approved_by is None
    with pytest.raises(ContractError, match="unknown action kind 'shrug'"):
        parse_action({"id": "a", "agency": "police", "kind": "shrug", "taken_at": "2001"})
    with pytest.raises(ContractError, match=r"subjects\[0\]: required field 'ref'"):
        parse_action(
            {
                "id": "a",
                "agency": "police",
                "kind": "arrest",
                "taken_at": "2001-07-01T09:00:00Z",
                "subjects": [{"record_id": "r1"}],
            }
        )
    access = parse_access(
        {"staff": "pol-1", "record_id": "r1", "at": "2001-06-16T08:00:00Z", "purpose": "read"}
    )
    assert access.purpose == "read"
    with pytest.raises(ContractError, match="'at'"):
        parse_access({"staff": "pol-1", "record_id": "r1", "at": "soon"})
