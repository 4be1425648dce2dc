"""Deadlines are counted in working days: weekends and bank holidays do not count."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from vigil.core.complaints import Deadlines, add_working_days, load_deadlines


def test_a_friday_plus_one_working_day_is_the_monday() -> None:
    assert add_working_days(date(2026, 11, 27), 1) == date(2026, 11, 30)


def test_bank_holidays_are_skipped() -> None:
    christmas = {date(2026, 12, 25), date(2026, 12, 28)}
    # Thursday 24th + 1 working day skips Friday 25th, the weekend and Monday 28th.
    assert add_working_days(date(2026, 12, 24), 1, christmas) == date(2026, 12, 29)


def test_five_working_days_is_a_calendar_week() -> None:
    assert add_working_days(date(2026, 11, 30), 5) == date(2026, 12, 7)


def test_the_default_file_gives_every_deadline() -> None:
    deadlines = load_deadlines()
    received = date(2026, 11, 30)
    assert received < deadlines.acknowledge_by(received) < deadlines.findings_by(received)
    assert date(2026, 12, 25) in deadlines.bank_holidays


def test_an_organisation_sets_its_own_deadlines(tmp_path: Path) -> None:
    path = tmp_path / "deadlines.yaml"
    path.write_text(
        "acknowledge_working_days: 1\ninvestigate_working_days: 2\n"
        "respond_working_days: 3\nbank_holidays: [2026-12-01]\n"
    )
    deadlines = load_deadlines(path)
    assert deadlines.acknowledge_by(date(2026, 11, 30)) == date(2026, 12, 2)
    assert deadlines.findings_by(date(2026, 11, 30)) == date(2026, 12, 3)
    assert deadlines.response_by(date(2026, 11, 30)) == date(2026, 12, 4)


def test_a_deadline_of_no_days_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        Deadlines(acknowledge_working_days=0)
