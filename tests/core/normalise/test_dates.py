"""Dates: the strict bundle reader and the forgiving reader for dates as keyed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vigil.core.normalise.dates import DateError, PartialDate, parse_datetime, parse_loose_date


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2001", PartialDate(2001)),
        ("2001-06", PartialDate(2001, 6)),
        ("2001-06-14", PartialDate(2001, 6, 14)),
    ],
)
def test_partial_date(text: str, value: PartialDate) -> None:
    assert PartialDate.parse(text) == value
    assert str(value) == text


@pytest.mark.parametrize("text", ["01", "2001-13", "2001-02-30", "1850", "14/06/2001"])
def test_partial_date_refuses(text: str) -> None:
    with pytest.raises(DateError):
        PartialDate.parse(text)


def test_parse_datetime_wants_a_zone() -> None:
    assert parse_datetime("2001-06-15T10:22:00+01:00") == datetime(2001, 6, 15, 9, 22, tzinfo=UTC)
    with pytest.raises(DateError, match="zone"):
        parse_datetime("2001-06-15T10:22:00")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2001", "2001"),
        ("2001-06-14", "2001-06-14"),
        ("14/06/2001", "2001-06-14"),
        ("14.6.2001", "2001-06-14"),
        ("14-06-2001", "2001-06-14"),
        ("2001/06/14", "2001-06-14"),
        ("06/2001", "2001-06"),
        ("14 June 2001", "2001-06-14"),
        ("14th Jun 2001", "2001-06-14"),
        ("June 2001", "2001-06"),
        ("June 14, 2001", "2001-06-14"),
        (" 2001-06-14T10:00:00Z ", "2001-06-14"),
        ("31/02/2001", None),
        ("14/06/01", None),  # two-digit year: the century is a guess
        ("14 Juneish 2001", None),
        ("nonsense", None),
        ("", None),
    ],
)
def test_parse_loose_date(text: str, value: str | None) -> None:
    parsed = parse_loose_date(text)
    assert (parsed.isoformat() if parsed else None) == value


@given(st.text(max_size=30))
def test_loose_reader_never_raises(text: str) -> None:
    parsed = parse_loose_date(text)
    if parsed is not None:
        assert parse_loose_date(parsed.isoformat()) == parsed
