"""Dates of birth and ages: the evidence a record gives about when someone was born.

An age at a date is a range of possible birth dates: a child who was 14 on
2001-06-14 was born between 1986-06-15 and 1987-06-14. An estimated age
("about 27") widens the range by a stated tolerance. Dates of birth, whole
or partial, are compared with each other and with such ranges.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from enum import IntEnum

from vigil.core.normalise.dates import PartialDate, parse_loose_date

# Ages above this are keying errors, not people.
OLDEST_AGE = 130


class DobLevel(IntEnum):
    """How two pieces of birth evidence agree, strongest last."""

    CONFLICT = 0
    WITHIN_RANGE = 1  # an age-derived range and a date (or range) overlap
    SAME_YEAR = 2
    YEAR_OFF_BY_ONE = 3  # day and month agree, the year is one out
    DAY_MONTH_SWAPPED = 4  # 1987-03-02 against 1987-02-03
    CONSISTENT = 5  # every part both give agrees, to the month at least
    EXACT = 6  # the same full date


@dataclass(frozen=True, slots=True)
class BirthRange:
    """The span of days someone may have been born in.

    Attributes:
        earliest: First possible date of birth.
        latest: Last possible date of birth.
    """

    earliest: date
    latest: date

    def __post_init__(self) -> None:
        if self.earliest > self.latest:
            raise ValueError(f"birth range ends before it starts: {self.earliest}..{self.latest}")

    @classmethod
    def from_age(cls, age: float, on: date | PartialDate, tolerance: float = 0.0) -> BirthRange:
        """The birth dates that give `age` (in completed years) on the date `on`.

        Args:
            age: Age in years; a fraction is read as the completed years.
            on: When the age was true; a partial date widens the range.
            tolerance: Years either side for an estimated age (0 for a stated one).

        Raises:
            ValueError: when the age or tolerance is negative or implausible.
        """
        if not 0 <= age <= OLDEST_AGE or not 0 <= tolerance <= OLDEST_AGE:
            raise ValueError(f"implausible age {age} (tolerance {tolerance})")
        youngest = max(0, math.floor(age - tolerance))
        oldest = math.floor(age + tolerance)
        first, last = (on.earliest(), on.latest()) if isinstance(on, PartialDate) else (on, on)
        # Born one day after the (oldest + 1)th birthday before `first`, at the
        # earliest; on the youngest-th birthday before `last`, at the latest.
        return cls(
            earliest=_years_before(first, oldest + 1) + timedelta(days=1),
            latest=_years_before(last, youngest),
        )

    @classmethod
    def from_dob(cls, dob: PartialDate) -> BirthRange:
        """The days a whole or partial date of birth covers."""
        return cls(dob.earliest(), dob.latest())

    @property
    def years(self) -> range:
        """The possible years of birth."""
        return range(self.earliest.year, self.latest.year + 1)

    def contains(self, day: date) -> bool:
        """Whether someone born on `day` fits the range."""
        return self.earliest <= day <= self.latest

    def overlaps(self, other: BirthRange) -> bool:
        """Whether the two ranges share a day."""
        return self.earliest <= other.latest and other.earliest <= self.latest

    def widen(self, days: int) -> BirthRange:
        """The range with `days` added at each end (for a date keyed a little wrong)."""
        return BirthRange(self.earliest - timedelta(days=days), self.latest + timedelta(days=days))


def _years_before(day: date, years: int) -> date:
    """The same day `years` earlier; 29 February becomes the 28th in a common year."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def age_on(dob: date, on: date) -> int:
    """Completed years of age on a date.

    Args:
        dob: Date of birth.
        on: The date the age is wanted for.

    Returns:
        The age; negative when `on` is before `dob`.
    """
    before_birthday = (on.month, on.day) < (dob.month, dob.day)
    return on.year - dob.year - before_birthday


def compare_dob(a: PartialDate | BirthRange, b: PartialDate | BirthRange) -> DobLevel:
    """How two pieces of birth evidence agree.

    Two dates of birth are compared part by part (day and month swapped, year
    one out, same year); when either side is a range from an age, the answer
    is WITHIN_RANGE or CONFLICT.

    Args:
        a: A whole or partial date of birth, or a range from an age.
        b: Another.

    Returns:
        The strongest level that holds.
    """
    if isinstance(a, BirthRange) or isinstance(b, BirthRange):
        left = a if isinstance(a, BirthRange) else BirthRange.from_dob(a)
        right = b if isinstance(b, BirthRange) else BirthRange.from_dob(b)
        return DobLevel.WITHIN_RANGE if left.overlaps(right) else DobLevel.CONFLICT
    if a == b and a.day is not None:
        return DobLevel.EXACT
    months_agree = a.month is None or b.month is None or a.month == b.month
    days_agree = a.day is None or b.day is None or a.day == b.day
    if a.year == b.year and months_agree and days_agree:
        both_months = a.month is not None and b.month is not None
        return DobLevel.CONSISTENT if both_months else DobLevel.SAME_YEAR
    if (
        a.year == b.year
        and a.day is not None
        and b.day is not None
        and (a.day, a.month) == (b.month, b.day)
    ):
        return DobLevel.DAY_MONTH_SWAPPED
    if abs(a.year - b.year) == 1 and a.day is not None and (a.month, a.day) == (b.month, b.day):
        return DobLevel.YEAR_OFF_BY_ONE
    if a.year == b.year:
        return DobLevel.SAME_YEAR
    return DobLevel.CONFLICT


def age_compatible(
    dob: PartialDate, age: float, on: date | PartialDate, tolerance: float = 0.0
) -> bool:
    """Whether a date of birth fits an age given at a date.

    Args:
        dob: A whole or partial date of birth.
        age: Age in years on `on`.
        on: When the age was given.
        tolerance: Years either side for an estimated age.
    """
    return BirthRange.from_age(age, on, tolerance).overlaps(BirthRange.from_dob(dob))


def clean(text: str) -> str | None:
    """A date of birth as ISO 8601 to the precision written ("14/06/2001" -> "2001-06-14").

    Args:
        text: A date as written (see `parse_loose_date`).

    Returns:
        The ISO form, or None when the text is no date.
    """
    value = parse_loose_date(text)
    return None if value is None else value.isoformat()


def keys(text: str) -> tuple[str, ...]:
    """Blocking and search keys: the ISO date and its year.

    Args:
        text: A date as written.

    Returns:
        Keys, or an empty tuple when the text is no date.
    """
    value = parse_loose_date(text)
    if value is None:
        return ()
    return tuple(dict.fromkeys((value.isoformat(), f"{value.year:04d}")))


def compare(a: str | None, b: str | None) -> DobLevel | None:
    """How two dates of birth as written agree (see `compare_dob`).

    Args:
        a: A date as written, or None.
        b: Another.

    Returns:
        The level, or None when either is missing or no date.
    """
    left = parse_loose_date(a) if a else None
    right = parse_loose_date(b) if b else None
    if left is None or right is None:
        return None
    return compare_dob(left, right)
