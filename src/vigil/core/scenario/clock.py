"""The scenario's calendar: the years it covers and how its moments are written."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

START = date(2000, 1, 1)
END = date(2016, 12, 31)
MONTHS: tuple[tuple[int, int], ...] = tuple(
    (year, month) for year in range(START.year, END.year + 1) for month in range(1, 13)
)
LAST_MOMENT = datetime(END.year, END.month, END.day, 23, 59, tzinfo=UTC)

_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_BST = timedelta(hours=1)


def month_index(day: date) -> int:
    """Position of `day`'s month in MONTHS (may fall outside it)."""
    return (day.year - START.year) * 12 + day.month - 1


def month_end(index: int) -> datetime:
    """The first instant after month `index` of MONTHS."""
    year, month = MONTHS[index]
    if month == 12:
        return datetime(year + 1, 1, 1, tzinfo=UTC)
    return datetime(year, month + 1, 1, tzinfo=UTC)


def days_in(year: int, month: int) -> int:
    """Number of days in a month."""
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        return 29
    return _DAYS_IN_MONTH[month - 1]


def random_day(rng: random.Random, year: int, month: int) -> date:
    """A uniformly chosen day of a month."""
    return date(year, month, rng.randint(1, days_in(year, month)))


def day_between(rng: random.Random, first: date, last: date) -> date:
    """A uniformly chosen day from `first` to `last` inclusive."""
    span = (last - first).days
    return first + timedelta(days=rng.randint(0, max(span, 0)))


def moment(rng: random.Random, day: date, *, earliest: int = 0, latest: int = 23) -> datetime:
    """A time on `day` between the hours `earliest` and `latest`, on the minute, in UTC."""
    return datetime(
        day.year, day.month, day.day, rng.randint(earliest, latest), rng.randrange(60), tzinfo=UTC
    )


def later(rng: random.Random, when: datetime, *, min_hours: float, max_hours: float) -> datetime:
    """A moment some hours after `when`, on the minute, never after the scenario ends."""
    step = timedelta(minutes=rng.randint(int(min_hours * 60), int(max_hours * 60)))
    return min((when + step).replace(second=0, microsecond=0), LAST_MOMENT)


def stamp(when: datetime) -> str:
    """A UTC moment written as agencies' systems export it: `2003-04-11T14:05:00Z`."""
    return f"{when.year:04d}-{when.month:02d}-{when.day:02d}T{when.hour:02d}:{when.minute:02d}:00Z"


def local_stamp(when: datetime) -> str:
    """The same moment in UK local time, as some systems export it (`+01:00` in summer)."""
    if 4 <= when.month <= 9:
        # April to September are always summer time; the edges of March and
        # October are written in UTC, which is still a correct instant.
        local = when + _BST
        return (
            f"{local.year:04d}-{local.month:02d}-{local.day:02d}"
            f"T{local.hour:02d}:{local.minute:02d}:00+01:00"
        )
    return stamp(when)


def iso_day(day: date) -> str:
    """`YYYY-MM-DD`."""
    return f"{day.year:04d}-{day.month:02d}-{day.day:02d}"


def age_on(dob: date, day: date) -> int:
    """Age in whole years on `day`."""
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def add_months(day: date, months: int) -> date:
    """The same day of the month `months` later (clamped to the month's last day)."""
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    return date(year, month + 1, min(day.day, days_in(year, month + 1)))
