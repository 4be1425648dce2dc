"""Dates as agencies write them: partial dates and zoned date-times."""

from __future__ import annotations

import calendar
import functools
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

_PARTIAL = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")

# Outside this window a date is far more likely a keying error than a fact.
EARLIEST_YEAR = 1900
LATEST_YEAR = 2100


class DateError(ValueError):
    """A date or date-time that cannot be read."""


@dataclass(frozen=True, slots=True, order=True)
class PartialDate:
    """A date known to the year, the month or the day.

    Attributes:
        year: Four-digit year.
        month: 1-12, or None when only the year is known.
        day: 1-31, or None when the day is not known.
    """

    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Reads `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.

        The same few thousand dates recur across a million records, so results
        are cached; a PartialDate is immutable, so sharing one is safe.

        A full date-time is accepted too (its calendar date is kept), because
        some exports write every date with a time.

        Raises:
            DateError: when the text is not such a date or names an impossible day.
        """
        return _parse_partial(text)

    @classmethod
    def _parse_uncached(cls, text: str) -> PartialDate:
        match = _PARTIAL.fullmatch(text)
        if match is None:
            if "T" in text:
                return cls.from_date(parse_datetime(text).date())
            raise DateError(f"not a date (YYYY, YYYY-MM or YYYY-MM-DD): {text[:40]!r}")
        year = int(match.group(1))
        month = int(match.group(2)) if match.group(2) else None
        day = int(match.group(3)) if match.group(3) else None
        _check_year(year, text)
        if month is not None and not 1 <= month <= 12:
            raise DateError(f"month {month} does not exist: {text!r}")
        if day is not None:
            assert month is not None
            last = calendar.monthrange(year, month)[1]
            if not 1 <= day <= last:
                raise DateError(f"day {day} does not exist in {year}-{month:02d}: {text!r}")
        return cls(year, month, day)

    @classmethod
    def from_date(cls, value: date) -> PartialDate:
        """The full date `value`."""
        return cls(value.year, value.month, value.day)

    @property
    def precision(self) -> str:
        """`year`, `month` or `day`."""
        if self.month is None:
            return "year"
        return "month" if self.day is None else "day"

    def earliest(self) -> date:
        """The first day this date could be."""
        return date(self.year, self.month or 1, self.day or 1)

    def latest(self) -> date:
        """The last day this date could be."""
        month = self.month or 12
        day = self.day or calendar.monthrange(self.year, month)[1]
        return date(self.year, month, day)

    def isoformat(self) -> str:
        """The date as written in a bundle, to its own precision."""
        return _format_partial(self.year, self.month, self.day)

    def __str__(self) -> str:
        return self.isoformat()


@functools.lru_cache(maxsize=1 << 16)
def _parse_partial(text: str) -> PartialDate:
    return PartialDate._parse_uncached(text)


@functools.lru_cache(maxsize=1 << 16)
def _format_partial(year: int, month: int | None, day: int | None) -> str:
    text = f"{year:04d}"
    if month is not None:
        text += f"-{month:02d}"
        if day is not None:
            text += f"-{day:02d}"
    return text


def parse_datetime(text: str) -> datetime:
    """Reads an ISO 8601 date-time that carries a zone, or a full date (taken as midnight UTC).

    Knowledge is dated by these values, so a time with no zone is refused
    rather than guessed, and a partial date is refused because it would claim
    knowledge earlier than it may have existed.

    Raises:
        DateError: when the text is not a zoned date-time or a full date.
    """
    if len(text) == 10 and _PARTIAL.fullmatch(text):
        day = PartialDate.parse(text)
        return datetime(day.year, day.month or 1, day.day or 1, tzinfo=UTC)
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise DateError(f"not an ISO 8601 date-time: {text[:40]!r}") from None
    if value.tzinfo is None or value.utcoffset() is None:
        raise DateError(f"date-time has no zone (add Z or +01:00): {text[:40]!r}")
    _check_year(value.year, text)
    return value.astimezone(UTC)


def _check_year(year: int, text: str) -> None:
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise DateError(f"year {year} is outside {EARLIEST_YEAR}-{LATEST_YEAR}: {text[:40]!r}")


_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_DAY_FIRST = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})")
_YEAR_FIRST = re.compile(r"(\d{4})[/.](\d{1,2})[/.](\d{1,2})")
_MONTH_YEAR = re.compile(r"(\d{1,2})[/.\-](\d{4})")
_ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}t")
# "14th June 2001", "June 2001", "June 14, 2001".
_WORDS = re.compile(
    r"(?:(\d{1,2})(?:st|nd|rd|th)?\s+)?([a-z]+)\.?,?\s+(?:(\d{1,2})(?:st|nd|rd|th)?,?\s+)?(\d{4})"
)


def parse_loose_date(text: str) -> PartialDate | None:
    """Reads a date as people key it, day first as in the UK.

    Accepts what `PartialDate.parse` accepts, and "14/06/2001", "14.6.2001",
    "2001/06/14", "06/2001", "14 June 2001", "14th Jun 2001", "June 2001".
    Two-digit years are refused: for a date of birth the century is a guess.

    Args:
        text: A date as written.

    Returns:
        The date to the precision written, or None when it cannot be read or
        names an impossible day.
    """
    value = text.strip().lower()
    try:
        if _PARTIAL.fullmatch(value):
            return PartialDate.parse(value)
        if _ISO_DATETIME.match(value):
            return PartialDate.parse(value.upper())
        match = _DAY_FIRST.fullmatch(value)
        if match:
            return _checked(int(match.group(3)), int(match.group(2)), int(match.group(1)))
        match = _YEAR_FIRST.fullmatch(value)
        if match:
            return _checked(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        match = _MONTH_YEAR.fullmatch(value)
        if match:
            return _checked(int(match.group(2)), int(match.group(1)), None)
        match = _WORDS.fullmatch(value)
        if match and match.group(2) in _MONTHS and not (match.group(1) and match.group(3)):
            day = match.group(1) or match.group(3)
            return _checked(int(match.group(4)), _MONTHS[match.group(2)], int(day) if day else None)
    except DateError:
        return None
    return None


def _checked(year: int, month: int, day: int | None) -> PartialDate:
    text = f"{year:04d}-{month:02d}" + (f"-{day:02d}" if day is not None else "")
    return PartialDate.parse(text)
