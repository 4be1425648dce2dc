"""The API: keys, pushes validated like `vigil ingest`, alerts through need-to-know, audit."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client
from tests.conftest import make_record
from typer.testing import CliRunner

from vigil.cli import app
from vigil.web.alerts.models import Alert
from vigil.web.api.models import ApiClient
from vigil.web.api.services import api_client_create, api_client_revoke
from vigil.web.audit.models import AuditEntry
from vigil.web.records.models import Record

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def police() -> tuple[ApiClient, str]:
    return api_client_create(name="Police records system", agency="police")


def push(key: str, **body: Any) -> Any:
    return Client().post(
        "/api/v1/bundles", body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}"
    )


def test_a_valid_push_is_stored_and_audited_as_the_system(police: tuple[ApiClient, str]) -> None:
    client, key = police
    response = push(key, records=[make_record("pol-1"), make_record("pol-2")])
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "completed" and body["counts"]["records"]["new"] == 2
    assert set(Record.objects.values_list("source_id", flat=True)) == {"pol-1", "pol-2"}
    entry = AuditEntry.objects.filter(event="ingest").latest("sequence")
    assert entry.actor_id == str(client.user.pk) and entry.category == "collection"
    assert entry.object_refs == [["run", str(body["run_id"])]] or "run" in str(entry.object_refs)
    # The same push again changes nothing.
    again = push(key, records=[make_record("pol-1"), make_record("pol-2")]).json()
    assert again["counts"]["records"]["unchanged"] == 2


def test_bad_lines_are_named_by_file_and_line_and_the_good_ones_go_in(
    police: tuple[ApiClient, str],
) -> None:
    _, key = police
    bad = make_record("pol-2", kind="gossip")
    response = push(key, records=[make_record("pol-1"), bad, make_record("pol-3")])
    assert response.status_code == 422
    rejected = response.json()["rejections"]
    assert [(r["file"], r["line"]) for r in rejected] == [("records.jsonl", 2)]
    assert "kind" in rejected[0]["reason"]
    assert set(Record.objects.values_list("source_id", flat=True)) == {"pol-1", "pol-3"}


def test_a_strict_push_with_a_bad_line_stores_nothing(police: tuple[ApiClient, str]) -> None:
    _, key = police
    response = push(
        key, strict=True, records=[make_record("pol-1"), make_record("pol-2", recorded_at="x")]
    )
    assert response.status_code == 422 and response.json()["status"] == "refused"
    assert not Record.objects.exists()


def test_a_system_cannot_push_another_agencys_records(police: tuple[ApiClient, str]) -> None:
    _, key = police
    response = push(
        key, records=[make_record("pol-1"), make_record("csc-1", agency="children_social_care")]
    )
    assert response.status_code == 403
    assert response.json()["problems"][0]["line"] == 2
    assert not Record.objects.exists()


def test_no_key_a_wrong_key_or_a_revoked_key_is_refused(police: tuple[ApiClient, str]) -> None:
    client, key = police
    assert Client().get("/api/v1/alerts").status_code == 401
    assert push("vgl_not-a-key", records=[make_record("pol-1")]).status_code == 401
    api_client_revoke(client_id=client.pk)
    assert push(key, records=[make_record("pol-1")]).status_code == 401
    assert not Record.objects.exists()


def test_the_key_is_kept_only_as_a_hash(police: tuple[ApiClient, str]) -> None:
    client, key = police
    stored = ApiClient.objects.get(pk=client.pk)
    assert key not in (stored.key_hash, stored.key_prefix) and key.startswith(stored.key_prefix)


def _alert(alert_id: str, record_ids: list[str], priority: float) -> Alert:
    now = datetime(2010, 1, 1, tzinfo=UTC)
    return Alert.objects.create(
        key=f"rule:{alert_id}",
        alert_id=alert_id,
        rule="adult_linked_to_children",
        raised_at=now,
        triggered_at=now,
        updated_at=now,
        priority=priority,
        harm=10.0,
        entity_ids=["per-1"],
        mentions=[{"record_id": rid, "ref": "p1"} for rid in record_ids],
        record_ids=record_ids,
        explanation="An adult linked to two children.",
    )


def test_alerts_are_read_only_as_far_as_need_to_know_allows(
    police: tuple[ApiClient, str],
) -> None:
    client, key = police
    push(key, records=[make_record("pol-1")])
    _other, other_key = api_client_create(name="Health system", agency="health")
    push(other_key, records=[make_record("hea-1", agency="health")])
    _alert("alt-own", ["pol-1"], 9.0)
    _alert("alt-mixed", ["pol-1", "hea-1"], 8.0)
    _alert("alt-health", ["hea-1"], 7.0)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    listed = Client().get("/api/v1/alerts", **auth).json()
    assert [a["alert_id"] for a in listed["alerts"]] == ["alt-own", "alt-mixed"]
    assert listed["count"] == 2
    mixed = listed["alerts"][1]
    assert mixed["record_ids"] == ["pol-1"] and mixed["withheld_records"] == 1
    assert mixed["explanation"].startswith("Withheld")
    assert Client().get("/api/v1/alerts/alt-health", **auth).status_code == 404
    assert Client().get("/api/v1/alerts/alt-own", **auth).json()["record_ids"] == ["pol-1"]
    filtered = Client().get("/api/v1/alerts?status=closed", **auth).json()
    assert filtered == {"count": 0, "alerts": []}
    read = AuditEntry.objects.filter(event="view", actor_id=str(client.user.pk))
    assert read.exists()


def test_the_api_is_described_by_openapi() -> None:
    schema = Client().get("/api/openapi.json").json()
    assert {"/api/v1/bundles", "/api/v1/alerts", "/api/v1/alerts/{alert_id}"} <= set(
        schema["paths"]
    )


def test_api_clients_are_made_listed_and_revoked_from_the_command_line() -> None:
    runner = CliRunner()
    made = runner.invoke(app, ["api-clients", "create", "--name", "RMS", "--agency", "police"])
    assert made.exit_code == 0, made.output
    key = made.stdout.split("Key (shown once): ")[1].split()[0]
    assert push(key, records=[make_record("pol-9")]).status_code == 200
    listed = runner.invoke(app, ["api-clients", "list"])
    assert "RMS" in listed.stdout and key not in listed.stdout
    client_id = ApiClient.objects.get(name="RMS").pk
    assert runner.invoke(app, ["api-clients", "revoke", str(client_id)]).exit_code == 0
    assert push(key, records=[make_record("pol-10")]).status_code == 401
    bad = runner.invoke(app, ["api-clients", "create", "--name", "X", "--agency", "police",
                              "--role", "king"])  # fmt: skip
    assert bad.exit_code == 2
