"""Every sign-in, search and record view is in the audit log, naming records by id only."""

from __future__ import annotations

import pytest
from django.test import Client
from tests.conftest import BundleWriter, make_record

from vigil.web.accounts import services as account_services
from vigil.web.audit.models import AuditEntry
from vigil.web.audit.services import audit_verify
from vigil.web.records.models import Record
from vigil.web.records.services import bundle_ingest

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "correct horse battery staple 42"


@pytest.fixture
def analyst(write_bundle: BundleWriter) -> Client:
    bundle_ingest(path=write_bundle(records=[make_record("pol-1"), make_record("pol-2")]))
    created = account_services.user_create(
        email="analyst@police.example",
        password=PASSWORD,
        agency="police",
        role="analyst",
        with_totp=True,
    )
    client = Client()
    client.force_login(created.user)
    return client


def entries(event: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(event=event).order_by("sequence"))


def test_sign_in_is_logged_with_the_users_agency(analyst: Client) -> None:
    (signed_in,) = entries("sign_in")
    assert signed_in.actor_kind == "user"
    assert signed_in.actor_agency == "police"


def test_a_search_logs_the_records_it_surfaced_but_never_the_query(analyst: Client) -> None:
    response = analyst.get("/records/search/", {"kind": "name", "q": "Kayla Test"})
    assert response.status_code == 200
    (search,) = entries("search")
    assert search.category == "consultation"
    logged = set(search.object_refs.split())
    expected = {f"record:{pk}" for pk in Record.objects.values_list("pk", flat=True)}
    assert logged == expected
    assert "Kayla" not in search.reason
    assert "2 records found" in search.reason


def test_opening_a_record_logs_a_view(analyst: Client) -> None:
    record = Record.objects.get(source_id="pol-1")
    assert analyst.get(f"/records/{record.pk}/").status_code == 200
    (view,) = entries("view")
    assert view.object_refs == f"record:{record.pk}"
    assert audit_verify().ok


def test_a_refused_sign_in_is_logged_against_the_account(analyst: Client) -> None:
    Client().post("/accounts/login/", {"login": "analyst@police.example", "password": "wrong"})
    (refused,) = entries("access_denied")
    assert refused.reason == "sign-in refused"
