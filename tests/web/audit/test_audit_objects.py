"""The objects an entry names are indexed as it is appended, so an alert's history is an
index lookup; the signed entries themselves are unchanged and still verify."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from vigil.core.audit import Actor, Event, ObjectKind, ObjectRef
from vigil.web.alerts.models import Alert
from vigil.web.alerts.selectors import alert_detail
from vigil.web.audit.models import AuditEntry, AuditObject
from vigil.web.audit.services import audit_checkpoint, audit_record, audit_verify

pytestmark = pytest.mark.django_db(transaction=True)
ACTOR = Actor.system("detect")


def log(*refs: ObjectRef, reason: str = "test", event: Event = Event.ALERT_TRANSITION) -> int:
    return audit_record(actor=ACTOR, category=None, event=event, objects=refs, reason=reason)


def make_alert(alert_id: str) -> None:
    at = datetime(2001, 8, 1, tzinfo=UTC)
    Alert.objects.create(
        key=f"rule|{alert_id}",
        alert_id=alert_id,
        rule="rule",
        raised_at=at,
        triggered_at=at,
        updated_at=at,
        priority=1.0,
        harm=1.0,
        explanation="x",
    )


def test_each_object_an_entry_names_is_indexed_once() -> None:
    seq = log(
        ObjectRef(ObjectKind.ALERT, "A-1"),
        ObjectRef(ObjectKind.RECORD, "pol-1"),
        ObjectRef(ObjectKind.RECORD, "pol-1"),
    )
    entry = AuditEntry.objects.get(sequence=seq)
    refs = sorted(AuditObject.objects.filter(sequence=entry.sequence).values_list("ref", flat=True))
    assert refs == ["alert:A-1", "record:pol-1"]
    assert set(refs) == set(entry.object_refs.split(" "))


def test_an_alerts_history_is_its_own_entries_by_the_index_not_a_scan() -> None:
    make_alert("A-1")
    log(ObjectRef(ObjectKind.ALERT, "A-1"), reason="first")
    log(ObjectRef(ObjectKind.ALERT, "A-10"), reason="another alert, same prefix")
    log(ObjectRef(ObjectKind.RECORD, "A-1"), reason="a record with the same id")
    log(ObjectRef(ObjectKind.ALERT, "A-1"), reason="alert page", event=Event.VIEW)
    log(ObjectRef(ObjectKind.USER, "7"), ObjectRef(ObjectKind.ALERT, "A-1"), reason="second")
    with CaptureQueriesContext(connection) as queries:
        found = alert_detail("A-1")
    assert found is not None
    assert [h["reason"] for h in found.history] == ["first", "second"]
    sql = " ".join(q["sql"] for q in queries.captured_queries).upper()
    assert "LIKE" not in sql and "INSTR" not in sql


def test_the_log_still_verifies_and_signs_with_the_index_beside_it() -> None:
    for n in range(5):
        log(ObjectRef(ObjectKind.ALERT, f"A-{n}"), ObjectRef(ObjectKind.RECORD, f"r-{n}"))
    audit_checkpoint()
    checked = audit_verify()
    assert checked.ok and checked.entries == AuditEntry.objects.count() == 5
    assert AuditObject.objects.count() == 10


def test_the_migration_indexes_entries_already_in_the_log() -> None:
    import importlib

    migration = importlib.import_module("vigil.web.audit.migrations.0002_audit_objects")
    log(ObjectRef(ObjectKind.ALERT, "A-1"), ObjectRef(ObjectKind.RECORD, "r-1"))
    log(ObjectRef(ObjectKind.ALERT, "A-2"))
    AuditObject.objects.all().delete()  # as before the index existed
    migration.index_existing_entries(apps, None)
    assert sorted(AuditObject.objects.values_list("sequence", "ref")) == [
        (0, "alert:A-1"),
        (0, "record:r-1"),
        (1, "alert:A-2"),
    ]
