"""Drafting, four-eyes approval, the final check before release, the sealed key."""

from __future__ import annotations

import pytest
from tests.web.publish.conftest import person

from vigil.core.publish.report import render_pdf
from vigil.web.audit.models import AuditEntry
from vigil.web.publish import services
from vigil.web.publish.models import ReleasedReportError, Report

pytestmark = pytest.mark.django_db(transaction=True)


def events(event: str) -> list[str]:
    return list(AuditEntry.objects.filter(event=event).values_list("reason", flat=True))


def test_a_draft_names_no_one_and_a_reader_can_follow_it(network: list[str]) -> None:
    report = services.report_draft(
        user=person("auditor"), entity_ids=network, title="Kayleigh Smith: who knew"
    )
    for identifier in ("Kayleigh", "SMITH", "YB02", "07700", "Jane Doe", "pol-7", "pol-1"):
        assert identifier not in report.html
    assert report.title == "Child A: who knew"
    text = " ".join(report.html.replace("<", " <").split())
    assert "March 2021" in text and "14 March" not in text
    assert "Detective Sergeant 1, police" in text
    assert "children&#x27;s social care" in text
    assert "Child A seen getting into Vehicle 1" in text
    assert "decided: no further action, with no rationale recorded" in text
    assert bytes(report.pdf).startswith(b"%PDF")
    assert b"Kayleigh" not in bytes(report.sealed_key)
    assert any(r.startswith(f"report {report.pk} drafted") for r in events("publication"))


def test_release_needs_a_second_person_and_then_the_report_never_changes(
    network: list[str],
) -> None:
    author, approver = person("auditor"), person("senior_reviewer")
    report = services.report_draft(user=author, entity_ids=network, title="Who knew")
    with pytest.raises(services.PublishDeniedError):
        services.report_approve(user=author, report_id=report.pk)
    with pytest.raises(services.PublishStateError):
        services.report_release(user=author, report_id=report.pk)  # not approved yet
    services.report_approve(user=approver, report_id=report.pk)
    released = services.report_release(user=approver, report_id=report.pk)
    stored = Report.objects.get(pk=report.pk)
    assert stored.status == "released" and stored.approver_id == approver.pk
    assert stored.sha256 == services.report_hash(stored.html, bytes(stored.pdf))
    assert any(released.sha256 in reason for reason in events("publication"))
    stored.title = "Changed"
    with pytest.raises(ReleasedReportError):
        stored.save()
    with pytest.raises(ReleasedReportError):
        stored.delete()
    pdf = services.report_download(user=author, report_id=report.pk, form="pdf")
    assert pdf == bytes(stored.pdf)
    Report.objects.filter(pk=report.pk).update(html=stored.html.replace("Child A", "Child Z"))
    with pytest.raises(services.PublishStateError, match="hash"):
        services.report_download(user=author, report_id=report.pk, form="html")


def test_a_report_still_holding_an_identifier_is_refused_release(network: list[str]) -> None:
    author, approver = person("auditor"), person("senior_reviewer")
    report = services.report_draft(user=author, entity_ids=network, title="Who knew")
    # As if the redaction had missed them: a plate in the HTML, a phone in the PDF only.
    leaky = report.html.replace("Who knew", "Who knew about YB02KLM")
    Report.objects.filter(pk=report.pk).update(html=leaky)
    services.report_approve(user=approver, report_id=report.pk)
    with pytest.raises(services.ReleaseRefusedError) as refused:
        services.report_release(user=approver, report_id=report.pk)
    assert {(leak.where, leak.kind) for leak in refused.value.leaks} >= {("html", "vehicle")}
    assert Report.objects.get(pk=report.pk).status == "approved"
    assert any("release refused" in reason for reason in events("decision"))

    pdf_only = report.html.replace("Who knew", "Rang 07700 900123")
    Report.objects.filter(pk=report.pk).update(html=report.html, pdf=render_pdf(pdf_only))
    with pytest.raises(services.ReleaseRefusedError) as refused:
        services.report_release(user=approver, report_id=report.pk)
    assert {(leak.where, leak.kind) for leak in refused.value.leaks} == {("pdf", "phone")}
    assert Report.objects.get(pk=report.pk).status == "approved"


def test_only_publishers_draft_and_only_auditors_and_senior_reviewers_open_the_key(
    network: list[str],
) -> None:
    with pytest.raises(services.PublishDeniedError):
        services.report_draft(user=person("analyst"), entity_ids=network, title="x")
    supervisor = person("supervisor")
    report = services.report_draft(user=supervisor, entity_ids=network, title="x")
    # Built only from what the police supervisor may read: not the social care referral.
    assert report.record_ids == ["pol-1"] and report.withheld_records == 1
    with pytest.raises(services.PublishDeniedError, match="only auditors and senior reviewers"):
        services.report_key_open(user=supervisor, report_id=report.pk)
    with pytest.raises(services.PublishDeniedError, match="records you may not read"):
        services.report_key_open(user=person("practitioner", "health"), report_id=report.pk)
    assert sum("may not open the sealed key" in r for r in events("access_denied")) == 1
    assert sum("may not see this report" in r for r in events("access_denied")) == 1
    key = services.report_key_open(user=person("auditor"), report_id=report.pk)
    by_pseudonym = {entry.pseudonym: entry for entry in key}
    assert set(by_pseudonym["Child A"].written) == {"Kayleigh Smith"}
    assert by_pseudonym["Vehicle 1"].written == ("YB02 KLM",)
    assert any("sealed pseudonym key" in reason for reason in events("view"))


def test_an_unreleased_report_is_hidden_from_who_may_not_read_its_records(
    network: list[str],
) -> None:
    report = services.report_draft(user=person("auditor"), entity_ids=network, title="x")
    police_supervisor = person("supervisor")
    assert not services.report_visible(user=police_supervisor, report=report)
    with pytest.raises(services.PublishDeniedError):
        services.report_approve(user=police_supervisor, report_id=report.pk)
    approver = person("senior_reviewer")
    assert services.report_visible(user=approver, report=report)
    services.report_approve(user=approver, report_id=report.pk)
    released = services.report_release(user=approver, report_id=report.pk)
    assert services.report_visible(user=police_supervisor, report=released)  # public now
