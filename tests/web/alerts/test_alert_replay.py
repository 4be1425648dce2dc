"""Replay over the store: alerts are dated by the first step they fired, and a
second replay updates them rather than adding more."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from vigil.core.scenario import generate
from vigil.web.alerts import models, services
from vigil.web.audit.models import AuditEntry
from vigil.web.records.services import bundle_ingest

pytestmark = pytest.mark.django_db(transaction=True)
END = date(2016, 12, 31)


@pytest.fixture
def town(tmp_path: Path) -> None:
    generate(tmp_path / "town", seed=7, scale=0.15)
    bundle_ingest(path=tmp_path / "town" / "bundle")


def test_replay_dates_each_alert_by_the_first_step_it_fired(town: None) -> None:
    # Linked in full only as what is known doubles, and at the end: quick enough for a test.
    run = services.alerts_replay(start=date(2000, 1, 1), end=END, relink_every=1000)
    assert run.steps == 204
    assert 1 < run.full_links < 20
    assert run.alerts == run.created > 0
    alerts = list(models.Alert.objects.all())
    assert len(alerts) == run.alerts
    for alert in alerts:
        # Every step is a month end in the window; no alert claims to predate the data.
        assert date(2000, 1, 31) <= alert.raised_at.date() <= END
    assert len({a.raised_at for a in alerts}) > 1
    (logged,) = AuditEntry.objects.filter(event="alert_transition", reason__contains="raised, ")
    assert f"{run.created} alerts raised" in logged.reason
    # Each alert raised is logged on its own, naming the alert, its subjects and its records.
    raised = AuditEntry.objects.filter(event="alert_transition", reason__startswith="-> open")
    assert raised.count() == run.created
    first = alerts[0]
    (entry,) = [e for e in raised if f"alert:{first.alert_id}" in e.object_refs.split(" ")]
    assert f"entity:{first.subject_ids[0]}" in entry.object_refs
    assert f"record:{first.record_ids[0]}" in entry.object_refs

    again = services.alerts_replay(start=date(2000, 1, 1), end=END, relink_every=1000)
    assert again.created == 0
    assert models.Alert.objects.count() == len(alerts)
    assert {a.key: a.raised_at for a in models.Alert.objects.all()} == {
        a.key: a.raised_at for a in alerts
    }
