"""Postcodes: whole and partial, parts, comparison."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vigil.core.normalise import postcodes
from vigil.core.normalise.postcodes import PostcodeLevel, Precision


@pytest.mark.parametrize(
    ("written", "clean", "precision"),
    [
        ("S601AA", "S60 1AA", Precision.UNIT),
        ("s60 1aa", "S60 1AA", Precision.UNIT),
        (" S60  1AA ", "S60 1AA", Precision.UNIT),
        ("S60 OAA", "S60 0AA", Precision.UNIT),  # an O keyed for the zero
        ("SW1A1AA", "SW1A 1AA", Precision.UNIT),
        ("EC1A 1BB", "EC1A 1BB", Precision.UNIT),
        ("M1 1AE", "M1 1AE", Precision.UNIT),
        ("DN55 1PT", "DN55 1PT", Precision.UNIT),
        ("GIR 0AA", "GIR 0AA", Precision.UNIT),
        ("S60 1", "S60 1", Precision.SECTOR),
        ("S601", "S60 1", Precision.SECTOR),  # no outward code ends in three digits
        ("S60", "S60", Precision.DISTRICT),
        ("SW11", "SW11", Precision.DISTRICT),
        ("s", "S", Precision.AREA),
    ],
)
def test_clean(written: str, clean: str, precision: Precision) -> None:
    value = postcodes.parse(written)
    assert value is not None
    assert (value.clean, value.precision) == (clean, precision)
    assert postcodes.clean(written) == clean


@pytest.mark.parametrize(
    "written", ["", "N/A", "NO", "XX1", "XX1 1", "1AA", "S60 1AAA", "AW3 7P", "hello"]
)
def test_not_postcodes(written: str) -> None:
    assert postcodes.parse(written) is None
    assert postcodes.clean(written) is None


def test_parts() -> None:
    value = postcodes.parse("s601aa")
    assert value is not None
    assert (value.area, value.district, value.outward, value.sector, value.unit) == (
        "S",
        "S60",
        "S60",
        "S60 1",
        "S60 1AA",
    )
    london = postcodes.parse("SW1A 2AA")
    assert london is not None and london.area == "SW"


@pytest.mark.parametrize(
    ("written", "valid"),
    [("S60 1AA", True), ("S60 1", False), ("S60", False), ("AW3 7PL", True), ("S60 1A", False)],
)
def test_is_valid(written: str, valid: bool) -> None:
    assert postcodes.is_valid(written) is valid


@pytest.mark.parametrize("written", ["AW3 7PL", "aw37pl", "XX1 1AA", "AW13 OPL"])
def test_a_whole_postcode_in_an_area_the_uk_does_not_use_is_read_by_its_shape(
    written: str,
) -> None:
    value = postcodes.parse(written)
    assert value is not None
    assert value.precision is Precision.UNIT
    assert value.known_area is False
    assert value.sector is not None and value.district is not None
    assert postcodes.keys(written) == (value.unit, value.sector, value.district, value.area)


def test_real_areas_are_known() -> None:
    for written in ("S60 1AA", "GIR 0AA", "S60"):
        value = postcodes.parse(written)
        assert value is not None and value.known_area is True


def test_fictional_postcodes_compare_like_real_ones() -> None:
    assert postcodes.compare("AW3 7PL", "aw3 7pl") == PostcodeLevel.UNIT
    assert postcodes.compare("AW3 7PL", "AW3 7QX") == PostcodeLevel.SECTOR
    assert postcodes.compare("AW3 7PL", "AW4 1AB") == PostcodeLevel.AREA


@pytest.mark.parametrize(
    ("a", "b", "level"),
    [
        ("S60 1AA", "s601aa", PostcodeLevel.UNIT),
        ("S60 1AA", "S60 1AB", PostcodeLevel.SECTOR),
        ("S60 1AA", "S60 2AB", PostcodeLevel.DISTRICT),
        ("S60", "S60 1AA", PostcodeLevel.DISTRICT),
        ("S60 1AA", "S61 2AB", PostcodeLevel.AREA),
        ("S60 1AA", "LS1 1AA", PostcodeLevel.NONE),
    ],
)
def test_compare(a: str, b: str, level: PostcodeLevel) -> None:
    assert postcodes.compare(a, b) == level
    assert postcodes.compare(b, a) == level


def test_compare_missing() -> None:
    assert postcodes.compare(None, "S60 1AA") is None
    assert postcodes.compare("nonsense", "S60 1AA") is None


def test_keys() -> None:
    assert postcodes.keys("S601AA") == ("S60 1AA", "S60 1", "S60", "S")
    assert postcodes.keys("S60") == ("S60", "S")
    assert postcodes.keys("") == ()


def test_postcode_in_text() -> None:
    match = postcodes.POSTCODE_IN_TEXT.search("12 Oak Street, Rotherham s60 1aa.")
    assert match is not None and postcodes.clean(match.group(0)) == "S60 1AA"


@given(st.text(max_size=12))
def test_never_crashes_and_clean_is_idempotent(text: str) -> None:
    clean = postcodes.clean(text)
    if clean is not None:
        assert postcodes.clean(clean) == clean
    postcodes.keys(text)
    postcodes.compare(text, "S60 1AA")


@given(st.text(alphabet="SLW01AO9 ", max_size=9))
def test_clean_is_idempotent_on_postcode_like_text(text: str) -> None:
    clean = postcodes.clean(text)
    if clean is not None:
        assert postcodes.clean(clean) == clean
