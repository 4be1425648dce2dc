"""Ages and dates of birth: birth ranges, comparison levels, compatibility."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vigil.core.normalise import ages
from vigil.core.normalise.ages import BirthRange, DobLevel
from vigil.core.normalise.dates import PartialDate

days = st.dates(min_value=date(1920, 1, 1), max_value=date(2030, 12, 31))


def test_age_on_a_day_gives_a_year_of_birth_dates() -> None:
    born = BirthRange.from_age(14, date(2001, 6, 14))
    assert born == BirthRange(date(1986, 6, 15), date(1987, 6, 14))
    assert list(born.years) == [1986, 1987]


def test_estimated_age_widens_the_range() -> None:
    born = BirthRange.from_age(27, date(2001, 6, 14), tolerance=2)
    assert born == BirthRange(date(1971, 6, 15), date(1976, 6, 14))


def test_fractional_age_is_completed_years() -> None:
    assert BirthRange.from_age(14.5, date(2001, 6, 14)) == BirthRange.from_age(
        14, date(2001, 6, 14)
    )


def test_partial_date_of_the_age_widens_the_range() -> None:
    born = BirthRange.from_age(14, PartialDate(2001))
    assert born == BirthRange(date(1986, 1, 2), date(1987, 12, 31))


def test_leap_day() -> None:
    born = BirthRange.from_age(14, date(2004, 2, 29))
    assert born == BirthRange(date(1989, 3, 1), date(1990, 2, 28))


@pytest.mark.parametrize(("age", "tolerance"), [(-1, 0), (200, 0), (14, -1)])
def test_implausible_ages_are_refused(age: float, tolerance: float) -> None:
    with pytest.raises(ValueError, match="implausible"):
        BirthRange.from_age(age, date(2001, 6, 14), tolerance)


def test_range_must_not_end_before_it_starts() -> None:
    with pytest.raises(ValueError, match="ends before"):
        BirthRange(date(2001, 1, 2), date(2001, 1, 1))


def test_range_helpers() -> None:
    born = BirthRange.from_dob(PartialDate(1987, 3))
    assert born == BirthRange(date(1987, 3, 1), date(1987, 3, 31))
    assert born.contains(date(1987, 3, 2)) and not born.contains(date(1987, 4, 1))
    assert born.widen(1) == BirthRange(date(1987, 2, 28), date(1987, 4, 1))


@pytest.mark.parametrize(
    ("a", "b", "level"),
    [
        ("1987-03-02", "1987-03-02", DobLevel.EXACT),
        ("1987-03", "1987-03-02", DobLevel.CONSISTENT),
        ("1987-03", "1987-03", DobLevel.CONSISTENT),
        ("1987-03-02", "1987-02-03", DobLevel.DAY_MONTH_SWAPPED),
        ("1987-03-02", "1988-03-02", DobLevel.YEAR_OFF_BY_ONE),
        ("1987-03-02", "1987-08-10", DobLevel.SAME_YEAR),
        ("1987", "1987-03-02", DobLevel.SAME_YEAR),
        ("1987-03-02", "1989-03-02", DobLevel.CONFLICT),
        ("1987-12-31", "1988-01-01", DobLevel.CONFLICT),
    ],
)
def test_compare_dob(a: str, b: str, level: DobLevel) -> None:
    left, right = PartialDate.parse(a), PartialDate.parse(b)
    assert ages.compare_dob(left, right) == level
    assert ages.compare_dob(right, left) == level


def test_compare_dob_with_an_age() -> None:
    born = BirthRange.from_age(14, date(2001, 6, 14))
    assert ages.compare_dob(PartialDate(1987, 3, 2), born) == DobLevel.WITHIN_RANGE
    assert ages.compare_dob(born, PartialDate(1985)) == DobLevel.CONFLICT
    assert ages.compare_dob(born, BirthRange.from_age(15, date(2002, 1, 1))) == (
        DobLevel.WITHIN_RANGE
    )


@pytest.mark.parametrize(
    ("dob", "age", "on", "tolerance", "fits"),
    [
        ("1987-03-02", 14, "2001-06-14", 0, True),
        ("1987-06-15", 14, "2001-06-14", 0, False),  # turns 14 the next day
        ("1987", 14, "2001-06-14", 0, True),
        ("1990", 14, "2001-06-14", 0, False),
        ("1990", 14, "2001-06-14", 3, True),
    ],
)
def test_age_compatible(dob: str, age: float, on: str, tolerance: float, fits: bool) -> None:
    assert (
        ages.age_compatible(PartialDate.parse(dob), age, PartialDate.parse(on), tolerance) is fits
    )


def test_age_on() -> None:
    assert ages.age_on(date(1987, 6, 15), date(2001, 6, 14)) == 13
    assert ages.age_on(date(1987, 6, 14), date(2001, 6, 14)) == 14


def test_registry_functions() -> None:
    assert ages.clean("14/06/2001") == "2001-06-14"
    assert ages.clean("nonsense") is None
    assert ages.keys("14/06/2001") == ("2001-06-14", "2001")
    assert ages.keys("2001") == ("2001",)
    assert ages.keys("") == ()
    assert ages.compare("02/03/1987", "1987-03-02") == DobLevel.EXACT
    assert ages.compare(None, "1987") is None


@given(days, days)
def test_the_age_on_a_day_gives_a_range_holding_the_birthday(dob: date, on: date) -> None:
    age = ages.age_on(dob, on)
    if 0 <= age <= ages.OLDEST_AGE:
        born = BirthRange.from_age(age, on)
        assert born.contains(dob)
        # The range is tight: a day either side gives another age.
        assert ages.age_on(born.earliest, on) == age == ages.age_on(born.latest, on)
        assert ages.age_on(born.earliest - timedelta(days=1), on) == age + 1
        assert ages.age_on(born.latest + timedelta(days=1), on) == age - 1


@given(days, st.integers(min_value=0, max_value=80), st.floats(min_value=0, max_value=5))
def test_tolerance_only_widens(on: date, age: int, tolerance: float) -> None:
    exact = BirthRange.from_age(age, on)
    estimated = BirthRange.from_age(age, on, tolerance)
    assert estimated.earliest <= exact.earliest and exact.latest <= estimated.latest


@given(st.text(max_size=20))
def test_never_crashes_and_clean_is_idempotent(text: str) -> None:
    clean = ages.clean(text)
    if clean is not None:
        assert ages.clean(clean) == clean
    ages.keys(text)
    ages.compare(text, "1987-03-02")
