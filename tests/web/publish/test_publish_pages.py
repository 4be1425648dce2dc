"""The publication pages: list, draft, review beside what was redacted, four eyes, download."""

from __future__ import annotations

import pytest
from django.contrib.auth.base_user import AbstractBaseUser
from django.test import Client
from tests.web.publish.conftest import person

from vigil.web.publish.models import Report

pytestmark = pytest.mark.django_db(transaction=True)


def client_for(user: AbstractBaseUser) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_draft_review_approve_release_and_download(network: list[str]) -> None:
    author = client_for(person("auditor"))
    assert author.get("/publish/").status_code == 200
    response = author.post("/publish/new/", {"entities": " ".join(network), "title": "Who knew"})
    report = Report.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/publish/{report.pk}/"

    page = author.get(f"/publish/{report.pk}/").content.decode()
    assert "Child A" in page and "Kayleigh" not in page
    assert "Approve for release" not in page  # not to the author
    beside = author.get(f"/publish/{report.pk}/", {"show": "redacted"}).content.decode()
    assert "What was redacted" in beside and "Kayleigh Smith" in beside

    approver = client_for(person("senior_reviewer"))
    assert "Approve for release" in approver.get(f"/publish/{report.pk}/").content.decode()
    assert author.post(f"/publish/{report.pk}/approve/").status_code == 403
    assert approver.get(f"/publish/{report.pk}/report.pdf").status_code == 404  # not yet
    approver.post(f"/publish/{report.pk}/approve/")
    approver.post(f"/publish/{report.pk}/release/")
    assert Report.objects.get().status == "released"

    reader = client_for(person("analyst"))
    pdf = reader.get(f"/publish/{report.pk}/report.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    html = reader.get(f"/publish/{report.pk}/report.html")
    assert b"Child A" in html.content and b"Kayleigh" not in html.content


def test_what_was_redacted_is_for_auditors_and_senior_reviewers_only(network: list[str]) -> None:
    supervisor = client_for(person("supervisor"))
    supervisor.post("/publish/new/", {"entities": " ".join(network), "title": "Who knew"})
    report = Report.objects.get()
    page = supervisor.get(f"/publish/{report.pk}/").content.decode()
    assert "Only auditors and senior reviewers may see what was redacted" in page
    assert supervisor.get(f"/publish/{report.pk}/", {"show": "redacted"}).status_code == 403
    analyst = client_for(person("analyst"))
    assert analyst.get("/publish/new/").status_code == 403
    assert analyst.post("/publish/new/", {"entities": network[0], "title": "x"}).status_code == 403


def test_an_unknown_entity_is_an_error_on_the_form() -> None:
    author = client_for(person("auditor"))
    response = author.post("/publish/new/", {"entities": "person-nope", "title": "Who knew"})
    assert response.status_code == 400
    assert "none of these entities is known" in response.content.decode()
