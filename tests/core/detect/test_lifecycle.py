"""The alert lifecycle's rules in plain Python: transitions, four eyes, escalation, reopening."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from vigil.core.detect import lifecycle
from vigil.core.detect.lifecycle import LifecycleSettings, Status

from .helpers import day

SETTINGS = LifecycleSettings(unowned_sla_days=7, dismissals_before_senior_review=2)


def test_transitions_follow_the_lifecycle() -> None:
    lifecycle.check_transition("open", "assigned")
    lifecycle.check_transition("assigned", "action_recorded")
    lifecycle.check_transition("nfa_pending", "closed")
    lifecycle.check_transition("closed", "open")  # reopened on new evidence
    with pytest.raises(lifecycle.LifecycleError):
        lifecycle.check_transition("open", "closed")  # no dismissal without approval
    with pytest.raises(lifecycle.LifecycleError):
        lifecycle.check_transition("open", "action_recorded")  # nobody owns it yet
    with pytest.raises(lifecycle.LifecycleError):
        lifecycle.check_transition("action_recorded", "nfa_pending")


def test_unowned_escalates_only_past_its_sla() -> None:
    opened = day(0)

    def past(days: float, *, status: str = "open", owned: bool = False) -> bool:
        return lifecycle.unowned_past_sla(
            status=status,
            owned=owned,
            open_since=opened,
            now=opened + timedelta(days=days),
            settings=SETTINGS,
        )

    assert not past(7)  # exactly at the SLA: not yet past it
    assert past(7.01)
    assert not past(30, owned=True)
    assert not past(30, status="assigned")
    assert not past(30, status="closed")


def test_senior_reviewer_needed_after_two_dismissals() -> None:
    assert lifecycle.needs_senior_reviewer(["e1", "e2"], {"e1": 1}, SETTINGS) == []
    assert lifecycle.needs_senior_reviewer(["e1", "e2"], {"e1": 2, "e3": 5}, SETTINGS) == ["e1"]


@pytest.mark.parametrize(
    ("approver", "proposer", "same", "senior_needed", "allowed"),
    [
        ("supervisor", "analyst", False, False, True),
        ("senior_reviewer", "analyst", False, False, True),
        ("supervisor", "analyst", True, False, False),  # their own proposal
        ("analyst", "analyst", False, False, False),  # not senior
        ("supervisor", "supervisor", False, False, False),  # not more senior than the proposer
        ("senior_reviewer", "supervisor", False, False, True),
        ("supervisor", "analyst", False, True, False),  # subject dismissed twice already
        ("senior_reviewer", "analyst", False, True, True),
        ("independent_reviewer", "analyst", False, False, False),
    ],
)
def test_who_may_approve_no_further_action(
    approver: str, proposer: str, same: bool, senior_needed: bool, allowed: bool
) -> None:
    refusal = lifecycle.may_approve_no_further_action(
        approver_role=approver,
        approver_is_proposer=same,
        proposer_role=proposer,
        senior_review_needed=senior_needed,
    )
    assert (refusal is None) == allowed


def test_reopens_only_on_new_records_when_finished() -> None:
    why = lifecycle.reopen_reason(
        status="closed", known_records=["r1", "r2"], found_records=["r1", "r2", "r3"]
    )
    assert why is not None and "1 new record" in why and "r3" in why and "closed" in why
    assert (
        lifecycle.reopen_reason(status="closed", known_records=["r1"], found_records=["r1"]) is None
    )
    assert (
        lifecycle.reopen_reason(status="assigned", known_records=["r1"], found_records=["r2"])
        is None
    )  # still being worked: updated, not reopened
    acted = lifecycle.reopen_reason(
        status="action_recorded", known_records=[], found_records=["r2", "r1"]
    )
    assert acted is not None and "2 new records" in acted and "actioned" in acted
    assert lifecycle.reopened_status(owned=True) is Status.ASSIGNED
    assert lifecycle.reopened_status(owned=False) is Status.OPEN


def test_settings_read_from_config_with_defaults(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("lifecycle:\n  unowned_sla_days: 3\n", "utf-8")
    read = lifecycle.load_lifecycle(path)
    assert read.unowned_sla_days == 3
    assert read.dismissals_before_senior_review == 2  # default kept
    assert lifecycle.load_lifecycle().unowned_sla_days >= 1  # the packaged config
