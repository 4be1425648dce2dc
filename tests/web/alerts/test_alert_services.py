"""Alerts keep their identity on re-detection; the lifecycle enforces four eyes and is audited."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from vigil.cli import app
from vigil.core.scenario import generate
from vigil.web.accounts.services import user_create
from vigil.web.alerts import models, services
from vigil.web.audit.models import AuditEntry
from vigil.web.entities.services import entities_link
from vigil.web.records.services import bundle_ingest

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "a long enough passphrase 42"


@pytest.fixture
def detected(tmp_path: Path) -> list[models.Alert]:
    generate(tmp_path / "town", seed=7, scale=0.15)
    bundle_ingest(path=tmp_path / "town" / "bundle")
    entities_link()
    services.alerts_detect()
    return list(models.Alert.objects.all())


def person(email: str, role: str):  # type: ignore[no-untyped-def]
    return user_create(email=email, password=PASSWORD, agency="police", role=role).user


def test_redetection_updates_and_keeps_identity(detected: list[models.Alert]) -> None:
    assert detected
    before = {a.key: (a.pk, a.alert_id, a.raised_at) for a in detected}
    run = services.alerts_detect()
    assert run.created == 0 and run.updated == len(before)
    after = {a.key: (a.pk, a.alert_id, a.raised_at) for a in models.Alert.objects.all()}
    assert after == before


def test_export_alerts_lines_follow_the_spec(detected: list[models.Alert]) -> None:
    result = CliRunner().invoke(app, ["export", "alerts", "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    lines = [orjson.loads(x) for x in result.stdout.splitlines()]
    assert len(lines) == len(detected)
    assert list(lines[0]) == [
        "alert_id", "rule", "raised_at", "priority", "harm", "status",
        "entity_ids", "mentions", "record_ids", "explanation",
    ]  # fmt: skip
    assert lines[0]["priority"] >= lines[-1]["priority"]


def test_no_further_action_needs_a_rationale_and_a_second_senior_person(
    detected: list[models.Alert],
) -> None:
    analyst = person("analyst@example.org", "analyst")
    other_analyst = person("analyst2@example.org", "analyst")
    supervisor = person("supervisor@example.org", "supervisor")
    alert = services.alert_assign(alert=detected[0], assignee=analyst, by=supervisor)
    with pytest.raises(services.AlertTransitionError):
        services.alert_nfa_propose(alert=alert, by=analyst, rationale="no")
    alert = services.alert_nfa_propose(
        alert=alert, by=analyst, rationale="Checked with the school: the adult is her uncle."
    )
    assert alert.status == models.Alert.Status.NFA_PENDING
    with pytest.raises(services.AlertTransitionError):
        services.alert_nfa_approve(alert=alert, by=analyst)  # their own proposal
    with pytest.raises(services.AlertTransitionError):
        services.alert_nfa_approve(alert=alert, by=other_analyst)  # not senior
    alert = services.alert_nfa_approve(alert=alert, by=supervisor)
    assert alert.status == models.Alert.Status.CLOSED
    assert alert.nfa_approved_by == supervisor
    # A supervisor who proposed it cannot approve it either.
    second = services.alert_nfa_propose(
        alert=detected[1], by=supervisor, rationale="Duplicate of an alert already under review."
    )
    with pytest.raises(services.AlertTransitionError):
        services.alert_nfa_approve(alert=second, by=supervisor)


def test_every_transition_is_audited(detected: list[models.Alert]) -> None:
    analyst = person("analyst@example.org", "analyst")
    start = AuditEntry.objects.count()
    alert = services.alert_assign(alert=detected[0], assignee=analyst, by=analyst)
    alert = services.alert_action_record(alert=alert, by=analyst, note="Strategy meeting held.")
    assert alert.status == models.Alert.Status.ACTION_RECORDED
    entries = list(AuditEntry.objects.order_by("sequence")[start:])
    assert [e.event for e in entries] == ["alert_transition", "alert_transition"]
    assert all(alert.alert_id in str(e.object_refs) for e in entries)
    with pytest.raises(services.AlertTransitionError):
        services.alert_assign(alert=alert, assignee=analyst, by=analyst)  # already actioned
