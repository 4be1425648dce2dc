"""Complaints in Chromium: an anonymous complaint and its follow-up by receipt code, the
team taking it through to a rejected finding, the escalation dashboard, and the
knowledge page's timeline. Every page is checked with axe-core and photographed."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect
from tests.browser.conftest import PASSWORD, check_accessible, screenshot, sign_in
from tests.conftest import BundleWriter, make_record

from vigil.web.accounts import services as account_services
from vigil.web.accounts.services import CreatedUser
from vigil.web.entities.models import EntityMention
from vigil.web.entities.services import entities_link
from vigil.web.records.services import bundle_ingest

pytestmark = pytest.mark.django_db(transaction=True)
REASON = "The duty log shows the report was never assessed."


def make_user(role: str) -> CreatedUser:
    return account_services.user_create(
        email=f"{role}@police.example",
        password=PASSWORD,
        agency="police",
        role=role,
        with_totp=True,
    )


def test_anonymous_complaint_then_the_team_then_escalation(
    page: Any, live_server: Any, transactional_db: None
) -> None:
    console_errors: list[str] = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)

    page.goto(live_server.url + "/complaints/anonymous/")
    expect(page.get_by_role("heading", name="Tell us what went wrong")).to_be_visible()
    expect(page.get_by_role("navigation")).to_have_count(0)
    check_accessible(page)
    screenshot(page, "complaints-01-anonymous-form")
    page.get_by_role("button", name="Send complaint").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    check_accessible(page)
    page.get_by_label("What is your complaint about?").fill("My report was not acted on")
    page.get_by_label("Tell us what happened").fill("I reported a car outside the home twice.")
    page.get_by_role("button", name="Send complaint").click()
    expect(page.get_by_role("heading", name="Complaint received")).to_be_visible()
    code = page.get_by_test_id("receipt-code").inner_text()
    assert len(code.replace("-", "")) == 20
    check_accessible(page)
    screenshot(page, "complaints-02-receipt")

    page.get_by_role("link", name="Check your complaint or add information").click()
    page.get_by_label("Your receipt code").fill(code.lower())
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Your complaint")).to_be_visible()
    page.get_by_label("Add information to your complaint").fill("He came back on Friday.")
    page.get_by_role("button", name="Add information").click()
    expect(page.get_by_text("Your information has been added")).to_be_visible()
    check_accessible(page)
    screenshot(page, "complaints-03-follow-up")

    supervisor, senior = make_user("supervisor"), make_user("senior_reviewer")
    independent = make_user("independent_reviewer")
    sign_in(page, live_server.url, supervisor, "/complaints/")
    expect(page.get_by_role("heading", name="Complaints and findings")).to_be_visible()
    check_accessible(page)
    screenshot(page, "complaints-04-list")
    page.get_by_role("link", name=re.compile(r"^Complaint \d+$")).click()
    expect(page.get_by_text("Shown only to senior and independent reviewers")).to_be_visible()
    page.get_by_role("button", name="Acknowledge").click()
    page.get_by_role("button", name="Start investigation").click()
    page.get_by_text("Record a finding").click()
    page.get_by_label("Finding", exact=True).select_option("upheld")
    page.get_by_label("Reasons for the finding").fill(REASON)
    page.get_by_role("button", name="Record finding").click()
    expect(page.get_by_role("heading", name=re.compile(r"Finding \d+: Upheld"))).to_be_visible()
    check_accessible(page)
    screenshot(page, "complaints-05-finding")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, live_server.url, senior, "/complaints/")
    page.get_by_role("link", name=re.compile(r"^Complaint \d+$")).click()
    page.get_by_text("Respond to this finding").click()
    page.get_by_label("The organisation's response").select_option("rejected")
    page.get_by_label("Reasons for the response").fill(REASON)
    page.get_by_role("button", name="Record response").click()
    expect(page.get_by_text("Escalated", exact=True)).to_be_visible()
    check_accessible(page)
    page.get_by_role("link", name="Escalations").click()
    expect(page.get_by_role("cell", name=re.compile("Finding rejected"))).to_be_visible()
    check_accessible(page)
    screenshot(page, "complaints-06-escalations")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, live_server.url, independent, "/complaints/escalations/")
    page.get_by_text(re.compile(r"^Close escalation \d+$")).click()
    page.get_by_label(re.compile(r"^Reason for closing escalation")).fill(REASON)
    page.get_by_role("button", name="Close escalation").click()
    expect(page.get_by_text("None open.")).to_be_visible()
    expect(
        page.get_by_text(re.compile(r"closed .* by independent_reviewer@police"))
    ).to_be_visible()
    check_accessible(page)
    screenshot(page, "complaints-07-escalation-closed")
    assert not [e for e in console_errors if "Content Security Policy" in e], console_errors


def test_the_knowledge_page_timeline(
    page: Any, live_server: Any, transactional_db: None, write_bundle: BundleWriter
) -> None:
    car = [{"ref": "v1", "type": "vehicle", "vrm": "YB02 KLM"}]
    bundle_ingest(
        path=write_bundle(
            records=[
                make_record("pol-1", title="Car outside the home", mentions=car, links=[]),
                make_record(
                    "pol-2",
                    recorded_at="2002-02-01T10:00:00Z",
                    title="Car seen again",
                    mentions=car,
                    links=[],
                ),
            ]
        )
    )
    entities_link()
    entity = EntityMention.objects.filter(record_source_id="pol-1").values_list(
        "entity__entity_id", flat=True
    )[0]
    auditor = make_user("auditor")
    sign_in(page, live_server.url, auditor, f"/knowledge/{entity}/")
    expect(page.get_by_role("heading", name="Summary")).to_be_visible()
    expect(page.locator(".moj-timeline__item")).to_have_count(2)
    check_accessible(page)
    screenshot(page, "knowledge-01-timeline")
