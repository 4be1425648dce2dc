"""Escalation (unowned past SLA; a subject dismissed twice), reopening on new evidence, the
audit trail of each transition, and the selectors the alert pages read."""

from __future__ import annotations

import shutil
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from tests.conftest import make_record, write_jsonl
from tests.core.detect.helpers import build, concern, day

from vigil.core.detect import detect
from vigil.core.detect.lifecycle import load_lifecycle
from vigil.web.accounts.services import user_create
from vigil.web.alerts import models, selectors, services
from vigil.web.audit.models import AuditEntry
from vigil.web.records.models import Record
from vigil.web.records.services import bundle_ingest

pytestmark = pytest.mark.django_db
PASSWORD = "a long enough passphrase 42"
SLA = load_lifecycle().unowned_sla_days


def person(email: str, role: str):  # type: ignore[no-untyped-def]
    return user_create(email=email, password=PASSWORD, agency="police", role=role).user


AS_OF = day(10)


def write(*parts, as_of=AS_OF):  # type: ignore[no-untyped-def]
    """Detects over hand-made records (one rule) and writes the alerts as `vigil detect` does.

    The records cited are stored too (as police records), as detection's always are, so
    that need-to-know lets the police users here see the alerts.
    """
    found = detect(build(*parts), as_of=as_of, rules=("adult_linked_to_children",))
    cited = {r for alert in found for r in alert.finding.record_ids}
    stored = set(Record.objects.filter(source_id__in=cited).values_list("source_id", flat=True))
    if cited - stored:
        folder = Path(tempfile.mkdtemp(prefix="vigil-lifecycle-"))
        write_jsonl(folder / "records.jsonl", [make_record(r) for r in sorted(cited - stored)])
        bundle_ingest(path=folder)
        shutil.rmtree(folder)
    services._write_alerts(found, {}, default_raised_at=as_of, what="test")
    return {a.key: a for a in models.Alert.objects.all()}


def only() -> models.Alert:
    (alert,) = models.Alert.objects.all()
    return alert


def entries_naming(alert: models.Alert) -> list[AuditEntry]:
    ref = f"alert:{alert.alert_id}"
    return [e for e in AuditEntry.objects.order_by("sequence") if ref in e.object_refs.split(" ")]


def test_raising_is_audited_with_the_subjects_and_records() -> None:
    write(concern("r1", 1, "a1", "c1"), concern("r2", 2, "a1", "c2"))
    alert = only()
    assert alert.subject_ids == ["a1"]
    (raised,) = entries_naming(alert)
    assert raised.reason.startswith("-> open: raised by adult_linked_to_children")
    assert set(raised.object_refs.split(" ")) == {
        f"alert:{alert.alert_id}",
        "entity:a1",
        "record:r1",
        "record:r2",
    }
    run = AuditEntry.objects.order_by("-sequence").first()
    assert run is not None and run.reason == "test: 1 alerts raised, 0 updated"
    # Found again: the run's entry names the alert it updated.
    write(concern("r1", 1, "a1", "c1"), concern("r2", 2, "a1", "c2"))
    run = AuditEntry.objects.order_by("-sequence").first()
    assert run is not None and run.object_refs == f"alert:{alert.alert_id}"


def test_unowned_alert_escalates_to_a_supervisor_after_its_sla() -> None:
    write(concern("r1", 1, "a1", "c1"), concern("r2", 2, "a1", "c2"))
    alert = only()
    supervisor = person("sup@example.org", "supervisor")
    analyst = person("analyst@example.org", "analyst")
    assert services.alerts_escalate(now=alert.raised_at + timedelta(days=SLA)).escalated == ()
    run = services.alerts_escalate(now=alert.raised_at + timedelta(days=SLA + 1))
    assert run.escalated == (alert.alert_id,)
    alert.refresh_from_db()
    assert alert.escalation_pending and alert.escalated_to == "supervisor"
    assert f"past its {SLA}-day SLA" in alert.escalation_reason
    assert list(selectors.escalations_for(supervisor)) == [alert]
    assert list(selectors.escalations_for(analyst)) == []
    assert list(selectors.alert_queue(supervisor, {"escalated": True})) == [alert]
    # Running again changes nothing: one escalation, logged once.
    again = services.alerts_escalate(now=alert.raised_at + timedelta(days=SLA + 5))
    assert again.escalated == ()
    logged = [e for e in entries_naming(alert) if e.reason.startswith("escalated to supervisor")]
    assert len(logged) == 1 and logged[0].actor_id == "escalate"
    # Giving it an owner deals with the escalation.
    alert = services.alert_assign(alert=alert, assignee=analyst, by=supervisor)
    assert not alert.escalation_pending and alert.escalation_resolved_by == supervisor
    assert list(selectors.escalations_for(supervisor)) == []


def test_owned_or_dismissed_alerts_do_not_escalate_for_being_unowned() -> None:
    write(concern("r1", 1, "a1", "c1"), concern("r2", 2, "a1", "c2"))
    alert = only()
    services.alert_assign(
        alert=alert,
        assignee=person("a@example.org", "analyst"),
        by=person("s@example.org", "supervisor"),
    )
    assert services.alerts_escalate(now=alert.raised_at + timedelta(days=365)).escalated == ()


def dismiss(alert: models.Alert, proposer, approver) -> models.Alert:  # type: ignore[no-untyped-def]
    alert = services.alert_nfa_propose(
        alert=alert, by=proposer, rationale="Checked with the school: this adult is the uncle."
    )
    return services.alert_nfa_approve(alert=alert, by=approver)


def test_a_subject_dismissed_twice_escalates_and_then_needs_a_senior_reviewer() -> None:
    analyst = person("analyst@example.org", "analyst")
    supervisor = person("sup@example.org", "supervisor")
    senior = person("senior@example.org", "senior_reviewer")
    # Two alerts on the same adult from two rules' worth of evidence: written as two keys.
    write(concern("r1", 1, "a1", "c1"), concern("r2", 2, "a1", "c2"))
    first = only()
    dismiss(first, analyst, supervisor)
    first.refresh_from_db()
    assert first.status == "closed" and not first.escalation_pending
    assert services.subject_dismissals(["a1"]) == {"a1": 1}
    # A second alert about the same subject (another rule's key), dismissed too: escalates.
    found = detect(
        build(concern("r1", 1, "a1", "c1"), concern("r2", 2, "a1", "c2", agency="health")),
        as_of=day(10),
        rules=("multi_agency_concern",),
    )
    services._write_alerts(found, {}, default_raised_at=day(10), what="test")
    second = models.Alert.objects.get(rule="multi_agency_concern", subject_ids=["a1"])
    second = dismiss(second, analyst, supervisor)
    second.refresh_from_db()
    assert second.escalation_pending and second.escalated_to == "senior_reviewer"
    assert "a1" in second.escalation_reason
    assert list(selectors.escalations_for(senior)) == [second]
    assert list(selectors.escalations_for(supervisor)) == []
    # The first alert about a1 gets new evidence and reopens; now only a senior reviewer
    # may approve dismissing it.
    write(concern("r1", 1, "a1", "c1"), concern("r2", 2, "a1", "c2"), concern("r3", 3, "a1", "c3"))
    first.refresh_from_db()
    assert first.status == "open" and "1 new record" in first.reopen_reason
    assert services.senior_review_needed(first) == ["a1"]
    proposed = services.alert_nfa_propose(
        alert=first, by=analyst, rationale="The third child is his niece; no concern."
    )
    with pytest.raises(services.AlertTransitionError, match="senior reviewer"):
        services.alert_nfa_approve(alert=proposed, by=supervisor)
    closed = services.alert_nfa_approve(alert=proposed, by=senior)
    assert closed.status == "closed" and closed.nfa_approved_by == senior
    detail = selectors.alert_detail(first.alert_id)
    assert detail is not None and detail.dismissals == {"a1": 3}
    # The senior reviewer deals with the escalation, and may reopen the alert.
    with pytest.raises(services.AlertTransitionError):
        services.alert_escalation_resolve(alert=second, by=supervisor, note="seen")
    resolved = services.alert_escalation_resolve(
        alert=second, by=senior, note="Pattern reviewed.", reopen=True
    )
    assert not resolved.escalation_pending and resolved.status == "open"


def test_new_evidence_reopens_a_closed_alert_without_duplicating_it() -> None:
    analyst = person("analyst@example.org", "analyst")
    supervisor = person("sup@example.org", "supervisor")
    write(concern("r1", 1, "a1", "c1"), concern("r2", 2, "a1", "c2"))
    alert = only()
    alert = services.alert_assign(alert=alert, assignee=analyst, by=supervisor)
    alert = services.alert_action_record(alert=alert, by=analyst, note="Strategy meeting held.")
    assert alert.closed_at is not None
    # The same evidence found again: updated, not reopened.
    write(concern("r1", 1, "a1", "c1"), concern("r2", 2, "a1", "c2"))
    assert only().status == "action_recorded"
    write(concern("r1", 1, "a1", "c1"), concern("r2", 2, "a1", "c2"), concern("r3", 5, "a1", "c3"))
    alert = only()  # still one alert, same identity
    assert alert.status == "assigned" and alert.assigned_to == analyst  # back to its owner
    assert alert.reopened_at is not None and alert.closed_at is None
    assert "r3" in alert.reopen_reason and "actioned" in alert.reopen_reason
    (entry,) = [e for e in entries_naming(alert) if "reopened" in e.reason]
    assert entry.reason.startswith("action_recorded -> assigned: reopened")
    assert "record:r3" in entry.object_refs.split(" ")


def test_every_person_transition_names_the_alert_subjects_and_records() -> None:
    analyst = person("analyst@example.org", "analyst")
    write(concern("r1", 1, "a1", "c1"), concern("r2", 2, "a1", "c2"))
    alert = services.alert_assign(alert=only(), assignee=analyst, by=analyst)
    last = AuditEntry.objects.order_by("-sequence").first()
    assert last is not None and last.reason.startswith("open -> assigned")
    assert {"entity:a1", "record:r1", "record:r2", f"alert:{alert.alert_id}"} <= set(
        last.object_refs.split(" ")
    )


def test_queue_filters_sorts_and_detail() -> None:
    analyst = person("analyst@example.org", "analyst")
    write(
        concern("r1", 1, "a1", "c1"),
        concern("r2", 2, "a1", "c2"),
        concern("r3", 3, "a2", "c3", agency="health"),
        concern("r4", 4, "a2", "c4"),
    )
    alerts = list(selectors.alert_queue(analyst))
    assert len(alerts) == 2
    assert [a.priority for a in alerts] == sorted((a.priority for a in alerts), reverse=True)
    services.alert_assign(alert=alerts[1], assignee=analyst, by=analyst)
    assert list(selectors.alert_queue(analyst, {"mine": True})) == [alerts[1]]
    assert list(selectors.alert_queue(analyst, {"status": "open"})) == [alerts[0]]
    assert selectors.alert_detail("alert-nosuch") is None
    detail = selectors.alert_detail(alerts[1].alert_id)
    assert detail is not None and detail.alert == alerts[1]
    assert [h["reason"].split(":")[0] for h in detail.history][-1] == "open -> assigned"
    assert detail.senior_review_needed == [] and detail.dismissals == {}


def test_escalation_dealt_with_stays_dealt_with_until_the_alert_reopens() -> None:
    supervisor = person("sup@example.org", "supervisor")
    analyst = person("analyst@example.org", "analyst")
    write(concern("r1", 1, "a1", "c1"), concern("r2", 2, "a1", "c2"))
    alert = only()
    late = alert.raised_at + timedelta(days=SLA + 1)
    assert services.alerts_escalate(now=late).escalated == (alert.alert_id,)
    alert.refresh_from_db()
    with pytest.raises(services.AlertTransitionError):
        services.alert_escalation_resolve(alert=alert, by=analyst, note="Seen it.")
    with pytest.raises(services.AlertTransitionError):
        services.alert_escalation_resolve(alert=alert, by=supervisor, note="  ")
    alert = services.alert_escalation_resolve(
        alert=alert, by=supervisor, note="Team at capacity; allocating on Monday."
    )
    assert not alert.escalation_pending
    assert services.alerts_escalate(now=late + timedelta(days=30)).escalated == ()
    # Closed, then reopened by new evidence and left unowned again: it escalates again.
    alert = services.alert_nfa_propose(
        alert=alert, by=analyst, rationale="Both children are the adult's nieces; no concern."
    )
    services.alert_nfa_approve(alert=alert, by=supervisor)
    write(concern("r1", 1, "a1", "c1"), concern("r2", 2, "a1", "c2"), concern("r3", 3, "a1", "c3"))
    alert = only()
    assert alert.status == "open" and alert.reopened_at is not None
    again = services.alerts_escalate(now=alert.reopened_at + timedelta(days=SLA + 1))
    assert again.escalated == (alert.alert_id,)
