"""How long the complaints team has for each step, counted in working days.

The figures live in `deadlines.yaml` beside this module (or a file named by
`$VIGIL_COMPLAINT_DEADLINES`), so an organisation changes its service levels
without touching code.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import yaml

DEFAULT_FILE = Path(__file__).with_name("deadlines.yaml")


@dataclass(frozen=True, slots=True)
class Deadlines:
    """Working days allowed for each step, and the days that do not count."""

    acknowledge_working_days: int = 3
    investigate_working_days: int = 40
    respond_working_days: int = 20
    bank_holidays: frozenset[date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        for name in (
            "acknowledge_working_days",
            "investigate_working_days",
            "respond_working_days",
        ):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")

    def acknowledge_by(self, received_on: date) -> date:
        """The last day to acknowledge a complaint received on `received_on`."""
        return add_working_days(received_on, self.acknowledge_working_days, self.bank_holidays)

    def findings_by(self, received_on: date) -> date:
        """The last day for the investigation's findings."""
        return add_working_days(received_on, self.investigate_working_days, self.bank_holidays)

    def response_by(self, found_on: date) -> date:
        """The last day for the organisation's response to a finding made on `found_on`."""
        return add_working_days(found_on, self.respond_working_days, self.bank_holidays)


def add_working_days(start: date, days: int, holidays: Iterable[date] = ()) -> date:
    """The date `days` working days after `start` (weekends and `holidays` skipped).

    The day itself does not count: a complaint received on a Friday with one
    working day to acknowledge it is due on the Monday.
    """
    skip = frozenset(holidays)
    current, left = start, days
    while left > 0:
        current += timedelta(days=1)
        if current.weekday() < 5 and current not in skip:
            left -= 1
    return current


def load_deadlines(path: Path | None = None) -> Deadlines:
    """Reads the deadlines file: `path`, else `$VIGIL_COMPLAINT_DEADLINES`, else the default."""
    chosen = path or Path(os.environ.get("VIGIL_COMPLAINT_DEADLINES") or DEFAULT_FILE)
    raw = yaml.safe_load(chosen.read_text(encoding="utf-8")) or {}
    holidays = frozenset(
        day if isinstance(day, date) else date.fromisoformat(str(day))
        for day in raw.get("bank_holidays") or ()
    )
    return Deadlines(
        acknowledge_working_days=int(raw.get("acknowledge_working_days", 3)),
        investigate_working_days=int(raw.get("investigate_working_days", 40)),
        respond_working_days=int(raw.get("respond_working_days", 20)),
        bank_holidays=holidays,
    )
