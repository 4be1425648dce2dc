"""The main journeys in Chromium: sign in with a second factor, search a partial plate,
open a record. Every page is checked with axe-core and photographed."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect
from tests.browser.conftest import PASSWORD, check_accessible, screenshot, totp_now
from tests.conftest import make_record

from vigil.web.accounts.services import CreatedUser
from vigil.web.records import services as record_services

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def records(write_bundle: Any) -> None:
    bundle = write_bundle(
        records=[
            make_record("pol-1", title="Girl seen getting into car"),
            make_record(
                "pol-2",
                title="Car outside children's home",
                mentions=[{"ref": "v1", "type": "vehicle", "vrm": "YB02 KLM", "colour": "silver"}],
                links=[],
            ),
            make_record(
                "csc-1",
                agency="children_social_care",
                kind="referral",
                title="Missing overnight",
                mentions=[{"ref": "v1", "type": "vehicle", "vrm": "AB12 CDE"}],
                links=[],
            ),
        ]
    )
    record_services.bundle_ingest(path=bundle)


def test_sign_in_search_a_partial_plate_and_open_a_record(
    page: Any, live_server: Any, analyst: CreatedUser, records: None
) -> None:
    console_errors: list[str] = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)

    page.goto(live_server.url + "/records/search/?kind=vrm&q=YB02")
    assert "/accounts/login/" in page.url
    check_accessible(page)
    screenshot(page, "01-sign-in")
    page.get_by_label("Email").fill("analyst@police.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
    check_accessible(page)
    screenshot(page, "02-second-factor")
    assert analyst.totp_secret
    page.get_by_label("Code").fill(totp_now(analyst.totp_secret))
    page.get_by_role("button", name="Sign In", exact=True).click()

    page.wait_for_url(re.compile(r"/records/search/"))
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", name="Home")).to_be_visible()
    # Need-to-know: the police analyst's home counts police records only.
    expect(page.get_by_role("rowheader", name="police")).to_be_visible()
    expect(page.get_by_role("rowheader", name="children_social_care")).to_have_count(0)
    check_accessible(page)
    screenshot(page, "03-home")

    page.get_by_role("link", name="Search").click()
    page.get_by_label("Vehicle registration (full or partial)").check()
    page.get_by_label("Search for").fill("YB02 K??")
    page.get_by_role("button", name="Search", exact=True).click()
    results = page.get_by_role("heading", name=re.compile(r"2 results for YB02 K\?\?"))
    expect(results).to_be_visible()
    expect(page.get_by_role("link", name="csc-1")).to_have_count(0)
    check_accessible(page)
    screenshot(page, "04-search-partial-plate")

    page.get_by_role("link", name="pol-2").click()
    expect(page.get_by_role("heading", name="Car outside children's home")).to_be_visible()
    expect(page.get_by_role("cell", name=re.compile("YB02 KLM"))).to_be_visible()
    check_accessible(page)
    screenshot(page, "05-record")

    page.get_by_role("link", name=re.compile(r"^Run \d+$")).click()
    expect(page.get_by_role("heading", name=re.compile(r"^Ingest run \d+$"))).to_be_visible()
    check_accessible(page)
    page.get_by_role("link", name="All ingest runs").click()
    expect(page.get_by_role("heading", name="Ingest runs", exact=True)).to_be_visible()
    check_accessible(page)
    screenshot(page, "06-ingest-runs")

    page.get_by_role("link", name="Two-factor authentication").click()
    page.wait_for_url(re.compile(r"/accounts/2fa/"))
    check_accessible(page)
    screenshot(page, "07-two-factor")

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/accounts/login/|/$"))
    page.goto(live_server.url + "/")
    assert "/accounts/login/" in page.url
    assert not [e for e in console_errors if "Content Security Policy" in e], console_errors
