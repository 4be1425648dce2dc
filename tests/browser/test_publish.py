"""Publication in Chromium: an auditor drafts a report and sees what was redacted beside it;
a senior reviewer approves and releases it; the released PDF is offered. Every page is
checked with axe-core and photographed."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect
from tests.browser.conftest import PASSWORD, check_accessible, screenshot
from tests.browser.conftest import sign_in as sign_in_at
from tests.web.publish import conftest as publish_fixtures

from vigil.web.accounts import services
from vigil.web.accounts.services import CreatedUser

pytestmark = pytest.mark.django_db(transaction=True)
network = publish_fixtures.network
seal_key = publish_fixtures.seal_key


def sign_in(page: Any, base: str, who: CreatedUser) -> None:
    sign_in_at(page, base, who, "/publish/")


def make(role: str) -> CreatedUser:
    return services.user_create(
        email=f"{role}@police.example",
        password=PASSWORD,
        agency="police",
        role=role,
        with_totp=True,
    )


@pytest.mark.usefixtures("seal_key")
def test_draft_review_beside_the_key_then_approve_and_release(
    page: Any, live_server: Any, network: list[str]
) -> None:
    author, approver = make("auditor"), make("senior_reviewer")
    sign_in(page, live_server.url, author)
    expect(page.get_by_role("heading", name="Reports for publication")).to_be_visible()
    check_accessible(page)
    page.get_by_role("link", name="Draft a report").click()
    page.get_by_label("Entities").fill(" ".join(network))
    page.get_by_label("Title").fill("Kayleigh Smith: who knew what")
    check_accessible(page)
    screenshot(page, "publish-01-draft")
    page.get_by_role("button", name="Draft the report").click()

    expect(page.get_by_role("heading", name="Child A: who knew what").first).to_be_visible()
    expect(page.get_by_text("Kayleigh")).to_have_count(0)
    expect(page.get_by_role("button", name="Approve for release")).to_have_count(0)
    page.get_by_role("link", name="Show what was redacted beside it").click()
    expect(page.get_by_role("heading", name="What was redacted")).to_be_visible()
    expect(page.get_by_role("cell", name=re.compile("Kayleigh Smith"))).to_be_visible()
    check_accessible(page)
    screenshot(page, "publish-02-beside-the-key")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, live_server.url, approver)
    page.get_by_role("link", name="Child A: who knew what").click()
    page.get_by_role("button", name="Approve for release").click()
    expect(page.get_by_text("approved for release")).to_be_visible()
    page.get_by_role("button", name="Check and release").click()
    expect(page.get_by_text("It can no longer change")).to_be_visible()
    expect(page.get_by_role("link", name="Download the PDF")).to_be_visible()
    check_accessible(page)
    screenshot(page, "publish-03-released")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the PDF").click()
    assert download.value.suggested_filename.endswith(".pdf")
