"""The register's pages: the two open without signing in, and the team's, by role."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from django.core.cache import cache
from django.test import Client
from tests.web.complaints.conftest import People

from vigil.web.audit.models import AuditEntry
from vigil.web.complaints import models, services

pytestmark = pytest.mark.django_db
REASON = "the records show the report was logged and not assessed"
ClientFor = Callable[[str], Client]
FORM = {
    "summary": "Nobody acted on my report",
    "details": "I told the duty desk about the car outside the home.",
    "about_agency": "police",
    "complainant_name": "",
    "complainant_contact": "",
}


@pytest.fixture(autouse=True)
def fresh_limits() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def test_anyone_can_complain_without_signing_in_and_gets_a_receipt() -> None:
    client = Client()
    page = client.get("/complaints/anonymous/")
    assert page.status_code == 200
    response = client.post("/complaints/anonymous/", FORM)
    assert response.status_code == 200
    code = re.search(rb'data-testid="receipt-code">([A-Z0-9-]+)<', response.content)
    assert code and len(code.group(1).replace(b"-", b"")) == 20
    complaint = models.Complaint.objects.get()
    assert complaint.channel == "anonymous" and complaint.summary == FORM["summary"]


@pytest.mark.parametrize("url", ["/complaints/anonymous/", "/complaints/anonymous/follow-up/"])
def test_the_open_pages_lead_nowhere_else_in_the_service(url: str) -> None:
    html = Client().get(url).content.decode()
    links = set(re.findall(r'href="(/[^"]*)"', html))
    pages = {link for link in links if not link.startswith("/assets/")}
    assert pages <= {"/complaints/anonymous/", "/complaints/anonymous/follow-up/", "#main-content"}
    assert "Sign out" not in html and "Search" not in html


def test_the_open_pages_need_the_csrf_token() -> None:
    client = Client(enforce_csrf_checks=True)
    assert client.post("/complaints/anonymous/", FORM).status_code == 403
    assert client.post("/complaints/anonymous/follow-up/", {"receipt_code": "x"}).status_code == 403
    assert not models.Complaint.objects.exists()


def test_intake_is_rate_limited_per_address() -> None:
    client = Client()
    statuses = [client.post("/complaints/anonymous/", FORM).status_code for _ in range(7)]
    assert statuses[:5] == [200] * 5
    assert statuses[5:] == [429, 429]
    assert models.Complaint.objects.count() == 5


def test_guessing_receipt_codes_is_rate_limited() -> None:
    client = Client()
    statuses = [
        client.post(
            "/complaints/anonymous/follow-up/", {"receipt_code": "ABCD-EFGH-JKLM-NPQR-STUV"}
        ).status_code
        for _ in range(22)
    ]
    assert statuses[:20] == [200] * 20 and statuses[20:] == [429, 429]


def test_the_complainant_checks_status_and_adds_information_by_code(
    complaint: services.Intake,
) -> None:
    client = Client()
    status = client.post(
        "/complaints/anonymous/follow-up/", {"receipt_code": complaint.receipt_code.lower()}
    )
    assert status.status_code == 200
    assert b"Received" in status.content
    assert b"Kayla" not in status.content  # the page shows where it is, not what it says
    added = client.post(
        "/complaints/anonymous/follow-up/",
        {"receipt_code": complaint.receipt_code, "text": "He came back on Friday."},
    )
    assert b"Your information has been added" in added.content
    note = models.Note.objects.get()
    assert note.from_complainant and note.text == "He came back on Friday."
    wrong = client.post(
        "/complaints/anonymous/follow-up/", {"receipt_code": "ABCD-EFGH-JKLM-NPQR-STUV"}
    )
    assert b"No complaint has that receipt code" in wrong.content


@pytest.mark.parametrize(
    "url",
    ["/complaints/escalations/", "/complaints/{pk}/", "/complaints/step/close/{pk}/"],
)
def test_only_complaint_roles_read_complaints(
    client_for: ClientFor, complaint: services.Intake, url: str
) -> None:
    target = url.format(pk=complaint.complaint.pk)
    for name in ("analyst", "practitioner"):
        assert client_for(name).post(target, {"reason": REASON}).status_code == 403
        assert client_for(name).get(target).status_code in (403, 405)
    if "step" not in target:
        for name in ("supervisor", "senior", "independent", "auditor"):
            assert client_for(name).get(target).status_code == 200, name
    assert models.Complaint.objects.get().status == "received"


def test_the_list_sends_those_who_may_not_read_to_their_own_complaints(
    client_for: ClientFor, complaint: services.Intake
) -> None:
    response = client_for("analyst").get("/complaints/")
    assert response.status_code == 302 and response["Location"] == "/complaints/mine/"
    assert client_for("auditor").get("/complaints/").status_code == 200


def test_the_team_pages_need_signing_in(complaint: services.Intake) -> None:
    for url in ("/complaints/", "/complaints/new/", f"/complaints/{complaint.complaint.pk}/"):
        response = Client().get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_complainants_identity_shows_only_to_reviewers(
    client_for: ClientFor, complaint: services.Intake
) -> None:
    url = f"/complaints/{complaint.complaint.pk}/"
    assert b"jo@example.org" not in client_for("supervisor").get(url).content
    assert b"jo@example.org" not in client_for("auditor").get(url).content
    assert b"jo@example.org" in client_for("senior").get(url).content
    assert b"jo@example.org" in client_for("independent").get(url).content
    views = AuditEntry.objects.filter(
        event="view", object_refs=f"complaint:{complaint.complaint.pk}"
    )
    assert views.count() == 4


def test_steps_through_the_pages(client_for: ClientFor, complaint: services.Intake) -> None:
    pk = complaint.complaint.pk
    supervisor, senior = client_for("supervisor"), client_for("senior")
    assert supervisor.post(f"/complaints/step/acknowledge/{pk}/").status_code == 302
    supervisor.post(f"/complaints/step/investigate/{pk}/")
    supervisor.post(f"/complaints/step/finding/{pk}/", {"outcome": "upheld", "reasons": REASON})
    finding = models.Finding.objects.get()
    page = senior.get(f"/complaints/{pk}/")
    assert b"Respond to this finding" in page.content
    senior.post(
        f"/complaints/step/respond-finding/{finding.pk}/",
        {"response": "rejected", "reasons": REASON},
    )
    finding.refresh_from_db()
    assert finding.response == "rejected"
    # The auditor reads, but a step they try is refused, logged, and nothing changes.
    refused = client_for("auditor").post(f"/complaints/step/close/{pk}/", {"reason": REASON})
    assert refused.status_code == 403
    (denied,) = AuditEntry.objects.filter(event="access_denied")
    assert denied.object_refs == f"complaint:{pk}" and "close refused" in denied.reason
    assert (
        client_for("senior")
        .post("/complaints/escalations/1/close/", {"reason": REASON})
        .status_code
        == 403
    )
    dashboard = client_for("independent").get("/complaints/escalations/")
    assert b"Finding rejected by the organisation" in dashboard.content
    escalation = models.Escalation.objects.get()
    client_for("independent2").post(
        f"/complaints/escalations/{escalation.pk}/close/", {"reason": REASON}
    )
    escalation.refresh_from_db()
    assert escalation.closed_at is not None
    senior.post(f"/complaints/step/close/{pk}/", {"reason": REASON})
    assert models.Complaint.objects.get().status == "closed"


def test_a_short_reason_is_refused_on_the_page(
    client_for: ClientFor, complaint: services.Intake
) -> None:
    supervisor = client_for("supervisor")
    response = supervisor.post(
        f"/complaints/step/propose-vexatious/{complaint.complaint.pk}/",
        {"reason": "annoying"},
        follow=True,
    )
    assert b"Not saved" in response.content
    assert not models.VexatiousDesignation.objects.exists()
    assert (
        client_for("supervisor").post("/complaints/step/note/999/", {"text": "x"}).status_code
        == 404
    )
    assert client_for("supervisor").post("/complaints/step/nonsense/1/").status_code == 404


def test_signed_in_intake_and_my_complaints(client_for: ClientFor, people: People) -> None:
    analyst = client_for("analyst")
    response = analyst.post("/complaints/new/", FORM)
    assert b"Complaint received" in response.content
    complaint = models.Complaint.objects.get()
    assert complaint.complainant_id == people["analyst"].pk
    assert FORM["summary"].encode() in analyst.get("/complaints/mine/").content


def test_the_list_is_paginated_filtered_and_sorted(client_for: ClientFor, people: People) -> None:
    for number in range(30):
        services.complaint_intake(summary=f"Complaint number {number}", details="d")
    auditor = client_for("auditor")
    first = auditor.get("/complaints/", {"sort": "oldest"})
    assert b"30 complaints" in first.content
    assert b"Complaint number 0<" in first.content
    assert b"Complaint number 29<" not in first.content
    second = auditor.get("/complaints/", {"sort": "oldest", "page": "2"})
    assert b"Complaint number 29<" in second.content
    assert b"0 complaints" in auditor.get("/complaints/", {"status": "closed"}).content


def test_a_signed_in_complainant_is_not_named_to_the_team(
    client_for: ClientFor, people: People
) -> None:
    client_for("analyst").post("/complaints/new/", FORM)
    url = f"/complaints/{models.Complaint.objects.get().pk}/"
    assert b"analyst@police.example" not in client_for("supervisor").get(url).content
    assert b"analyst@police.example" not in client_for("auditor").get(url).content
    assert b"analyst@police.example" in client_for("senior").get(url).content
