"""Alerts follow entity lineage across re-links: updated, never duplicated, never deleted."""

from __future__ import annotations

import pytest
from django.utils import timezone
from tests.core.detect.helpers import build, concern, day
from tests.web.alerts.test_alert_lifecycle import dismiss, entries_naming, person
from tests.web.alerts.test_alert_lifecycle import write as write_plain

from vigil.core.detect import detect
from vigil.web.alerts import models, services
from vigil.web.entities.models import EntityLineage, LinkRun

pytestmark = pytest.mark.django_db
RULE = "adult_linked_to_children"
AS_OF = day(10)


def retire(**moves: str) -> None:
    """One link run retiring each `old=new` id."""
    run = LinkRun.objects.create(started_at=timezone.now(), finished_at=timezone.now())
    for old, new in moves.items():
        EntityLineage.objects.create(old_id=old, new_id=new, mentions=1, link_run=run)


def detect_write(*parts, current, entity_of=None, as_of=AS_OF):  # type: ignore[no-untyped-def]
    found = detect(build(*parts), as_of=as_of, rules=(RULE,))
    return services._write_alerts(
        found,
        {},
        default_raised_at=as_of,
        what="test",
        lineage=services.alert_lineage(current),
        entity_of=entity_of,
    )


def alerts() -> dict[str, models.Alert]:
    return {a.key: a for a in models.Alert.objects.all()}


def test_a_renamed_subject_keeps_its_alert_id_status_owner_and_history() -> None:
    analyst = person("analyst@example.org", "analyst")
    write_plain(concern("r1", 1, "a1", "c1"), concern("r2", 2, "a1", "c2"))
    [alert] = alerts().values()
    alert = services.alert_assign(alert=alert, assignee=analyst, by=analyst)
    retire(a1="a9")
    created, updated = detect_write(
        concern("r1", 1, "a9", "c1"), concern("r2", 2, "a9", "c2"), current={"a9", "c1", "c2"}
    )
    assert (created, updated) == (0, 1)
    [after] = alerts().values()
    assert after.pk == alert.pk and after.alert_id == alert.alert_id
    assert after.key == f"{RULE}:a9" and after.subject_ids == ["a9"]
    assert after.former_keys == [f"{RULE}:a1"]
    assert after.status == "assigned" and after.assigned_to == analyst
    (entry,) = [e for e in entries_naming(after) if "re-keyed" in e.reason]
    assert f"{RULE}:a1 -> {RULE}:a9" in entry.reason
    refs = entry.object_refs.split(" ")
    assert "entity:a1" in refs and "entity:a9" in refs


def test_a_chain_of_relinks_is_followed() -> None:
    write_plain(concern("r1", 1, "a1", "c1"), concern("r2", 2, "a1", "c2"))
    [alert] = alerts().values()
    retire(a1="a2")
    retire(a2="a3")
    detect_write(
        concern("r1", 1, "a3", "c1"), concern("r2", 2, "a3", "c2"), current={"a3", "c1", "c2"}
    )
    [after] = alerts().values()
    assert after.pk == alert.pk and after.key == f"{RULE}:a3"


def test_a_merge_continues_the_alert_raised_first_and_marks_the_other() -> None:
    write_plain(concern("r1", 1, "a1", "c1"), concern("r2", 2, "a1", "c2"), as_of=day(5))
    write_plain(
        concern("r1", 1, "a1", "c1"),
        concern("r2", 2, "a1", "c2"),
        concern("r3", 3, "a2", "c3"),
        concern("r4", 4, "a2", "c4"),
    )
    first, second = alerts()[f"{RULE}:a1"], alerts()[f"{RULE}:a2"]
    assert first.raised_at < second.raised_at
    # A re-link makes the two men one, under a new id.
    retire(a1="a5", a2="a5")
    created, _ = detect_write(
        *(concern(f"r{i}", i, "a5", f"c{i}") for i in range(1, 5)), current={"a5"}
    )
    assert created == 0
    now = alerts()
    assert set(now) == {f"{RULE}:a5", f"{RULE}:a2"}
    assert now[f"{RULE}:a5"].pk == first.pk
    kept = now[f"{RULE}:a2"]
    assert kept.pk == second.pk and kept.status == "open"  # never deleted
    assert kept.unsupported_at is not None and first.alert_id in kept.unsupported_reason
    assert "merged" in kept.unsupported_reason


def test_a_merge_into_a_held_id_updates_that_alert() -> None:
    write_plain(
        concern("r1", 1, "a1", "c1"),
        concern("r2", 2, "a1", "c2"),
        concern("r3", 3, "a2", "c3"),
        concern("r4", 4, "a2", "c4"),
    )
    held = alerts()
    retire(a2="a1")
    created, updated = detect_write(
        *(concern(f"r{i}", i, "a1", f"c{i}") for i in range(1, 5)), current={"a1"}
    )
    assert (created, updated) == (0, 1)
    now = alerts()
    assert now[f"{RULE}:a1"].pk == held[f"{RULE}:a1"].pk
    assert now[f"{RULE}:a2"].unsupported_at is not None


def test_a_split_that_stops_the_rule_marks_the_alert_for_a_person_and_can_be_undone() -> None:
    write_plain(concern("r1", 1, "a1", "c1"), concern("r2", 2, "a1", "c2"))
    [alert] = alerts().values()
    # The re-link splits a1: the man in r2 is someone else now (a6); a1 keeps its id.
    split = {("r1", "p1"): "a1", ("r2", "p1"): "a6", ("r1", "p0"): "c1", ("r2", "p0"): "c2"}
    detect_write(
        concern("r1", 1, "a1", "c1"),
        concern("r2", 2, "a6", "c2"),
        current={"a1", "a6", "c1", "c2"},
        entity_of=split,
    )
    [after] = alerts().values()
    assert after.pk == alert.pk and after.status == "open"
    assert after.unsupported_reason.startswith("no longer supported by the linkage")
    assert any("marked unsupported" in e.reason for e in entries_naming(after))
    # A later re-link joins them again: the rule fires, the mark is cleared.
    detect_write(
        concern("r1", 1, "a1", "c1"), concern("r2", 2, "a1", "c2"), current={"a1", "c1", "c2"}
    )
    [again] = alerts().values()
    assert again.unsupported_at is None and again.unsupported_reason == ""
    assert any("supported again" in e.reason for e in entries_naming(again))


def test_an_unsupported_alert_is_closed_by_people_with_a_reason() -> None:
    analyst, supervisor = person("an@example.org", "analyst"), person("s@example.org", "supervisor")
    write_plain(concern("r1", 1, "a1", "c1"), concern("r2", 2, "a1", "c2"))
    detect_write(concern("r1", 1, "a1", "c1"), current={"a1", "c1"})
    [marked] = alerts().values()
    assert marked.unsupported_at is not None
    closed = dismiss(marked, analyst, supervisor)
    assert closed.status == "closed" and closed.nfa_rationale
    # Closed: a later run that still does not find it leaves it as it is.
    detect_write(concern("r1", 1, "a1", "c1"), current={"a1", "c1"})
    [still] = alerts().values()
    assert still.status == "closed" and still.unsupported_at == marked.unsupported_at


def test_an_alert_not_found_with_its_linkage_unchanged_says_so() -> None:
    write_plain(concern("r1", 1, "a1", "c1"), concern("r2", 2, "a1", "c2"))
    same = {("r1", "p1"): "a1", ("r2", "p1"): "a1", ("r1", "p0"): "c1", ("r2", "p0"): "c2"}
    detect_write(concern("r1", 1, "a1", "c1"), current={"a1", "c1"}, entity_of=same)
    [after] = alerts().values()
    assert after.unsupported_at is not None
    assert "linked as before" in after.unsupported_reason


def test_done_alerts_and_alerts_raised_after_the_run_are_not_marked() -> None:
    analyst, supervisor = person("an@example.org", "analyst"), person("s@example.org", "supervisor")
    write_plain(concern("r1", 1, "a1", "c1"), concern("r2", 2, "a1", "c2"))
    [alert] = alerts().values()
    dismiss(alert, analyst, supervisor)
    write_plain(concern("r3", 3, "a2", "c3"), concern("r4", 4, "a2", "c4"), as_of=day(20))
    detect_write(concern("r5", 5, "a3", "c5"), current={"a3"}, as_of=day(10))
    assert all(a.unsupported_at is None for a in models.Alert.objects.all())


def test_a_dismissed_alert_stays_closed_across_a_relink_until_new_records() -> None:
    analyst, supervisor = person("an@example.org", "analyst"), person("s@example.org", "supervisor")
    write_plain(concern("r1", 1, "a1", "c1"), concern("r2", 2, "a1", "c2"))
    [alert] = alerts().values()
    dismiss(alert, analyst, supervisor)
    retire(a1="a9")
    detect_write(
        concern("r1", 1, "a9", "c1"), concern("r2", 2, "a9", "c2"), current={"a9", "c1", "c2"}
    )
    [after] = alerts().values()
    assert after.pk == alert.pk and after.key == f"{RULE}:a9" and after.status == "closed"
    detect_write(
        concern("r1", 1, "a9", "c1"),
        concern("r2", 2, "a9", "c2"),
        concern("r3", 3, "a9", "c3"),
        current={"a9", "c1", "c2", "c3"},
    )
    [reopened] = alerts().values()
    assert reopened.pk == alert.pk and reopened.status == "open"
    assert "r3" in reopened.reopen_reason


def test_dismissals_under_a_retired_id_count_for_its_successor() -> None:
    analyst, supervisor = person("an@example.org", "analyst"), person("s@example.org", "supervisor")
    write_plain(concern("r1", 1, "a1", "c1"), concern("r2", 2, "a1", "c2"))
    [alert] = alerts().values()
    dismiss(alert, analyst, supervisor)
    assert services.subject_dismissals(["a9"]) == {}
    retire(a1="a5")
    retire(a5="a9")
    assert services.subject_dismissals(["a9"]) == {"a9": 1}
    assert services.subject_dismissals(["a1"]) == {"a1": 1}
