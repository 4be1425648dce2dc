"""The analyst's and supervisor's day in Chromium, on a small synthetic town:
sign in with a second factor, search a partial plate, open an alert and the entity it
is about, see its timeline and network, propose no further action, and have a
supervisor approve it. axe-core checks every page; each main page is photographed
into test-artefacts/screenshots/."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from tests.browser.conftest import PASSWORD, REPO, check_accessible, totp_now

from vigil.core.scenario import generate
from vigil.web.accounts import services as account_services
from vigil.web.accounts.services import CreatedUser
from vigil.web.alerts.models import Alert
from vigil.web.alerts.services import alerts_detect
from vigil.web.entities.services import entities_link
from vigil.web.records.models import Mention, Record
from vigil.web.records.services import bundle_ingest

pytestmark = pytest.mark.django_db(transaction=True)
SCREENSHOTS = REPO / "test-artefacts" / "screenshots"


def screenshot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def town(tmp_path: Path, transactional_db: None) -> None:
    generate(tmp_path / "town", seed=1, scale=0.05)
    bundle_ingest(path=tmp_path / "town" / "bundle")
    entities_link()
    alerts_detect()


def make_user(email: str, role: str) -> CreatedUser:
    return account_services.user_create(
        email=email, password=PASSWORD, agency="police", role=role, with_totp=True
    )


def sign_in(page: Any, base: str, user: CreatedUser, email: str, *, check: bool = False) -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
    if check:
        check_accessible(page)
    assert user.totp_secret
    page.get_by_label("Code").fill(totp_now(user.totp_secret))
    page.get_by_role("button", name="Sign In", exact=True).click()
    page.wait_for_url(base + "/")


def sign_out(page: Any) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/accounts/login/|/$"))


def police_alert() -> Alert:
    """The highest-priority open alert whose evidence includes a police record."""
    police = set(
        Record.objects.filter(current_version__agency="police").values_list("source_id", flat=True)
    )
    for alert in Alert.objects.filter(status="open").order_by("-priority", "alert_id"):
        if police.intersection(alert.record_ids) and alert.rule != "exploitation_community":
            return alert
    raise AssertionError("the town raised no alert on police evidence")


def police_plate() -> str:
    mention = (
        Mention.objects.filter(
            type="vehicle",
            vrm__regex=r"^[A-Z]{2}[0-9]{2} ?[A-Z]{3}$",
            record_version__agency="police",
            record_version__record__current_version=models_f("record_version"),
        )
        .order_by("vrm")
        .first()
    )
    assert mention is not None and mention.vrm
    return mention.vrm


def models_f(name: str) -> Any:
    from django.db.models import F

    return F(name)


def test_an_alert_from_search_to_an_approved_no_further_action(
    page: Any, live_server: Any, town: None
) -> None:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    base = live_server.url
    analyst = make_user("analyst@police.example", "analyst")
    supervisor = make_user("supervisor@police.example", "supervisor")
    alert = police_alert()

    sign_in(page, base, analyst, "analyst@police.example", check=True)
    expect(page.get_by_role("heading", name="Home")).to_be_visible()
    check_accessible(page)
    screenshot(page, "analyst-01-home")

    # A partial plate: the last two characters unknown.
    plate = police_plate().replace(" ", "")
    partial = f"{plate[:4]} {plate[4]}??"
    page.get_by_role("link", name="Search").click()
    page.get_by_label("Vehicle registration (full or partial)").check()
    page.get_by_label("Search for").fill(partial)
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_role("heading", name=re.compile(r"\d+ results? for"))).to_be_visible()
    check_accessible(page)
    screenshot(page, "analyst-02-search-partial-plate")

    page.get_by_role("link", name="Alerts", exact=True).click()
    expect(page.get_by_role("heading", name="Alerts", exact=True)).to_be_visible()
    check_accessible(page)
    screenshot(page, "analyst-03-alert-queue")
    page.get_by_label("Priority").select_option("low")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("heading", name=re.compile(r"match"))).to_be_visible()
    page.goto(base + "/alerts/")

    page.goto(f"{base}/alerts/{alert.alert_id}/")
    expect(page.get_by_role("heading", name="Why Vigil raised it")).to_be_visible()
    expect(page.get_by_role("rowheader", name="Harm")).to_be_visible()
    check_accessible(page)
    screenshot(page, "analyst-04-alert")

    # The entity the alert is about: its timeline and its network.
    page.locator("#main-content ul.govuk-list a").first.click()
    page.wait_for_url(re.compile(r"/entities/"))
    expect(page.get_by_role("heading", name="Timeline")).to_be_visible()
    expect(page.locator(".moj-timeline__item").first).to_be_visible()
    expect(page.locator("#entity-network canvas").first).to_be_attached()
    expect(page.locator("#entity-network-status")).to_contain_text("shown")
    check_accessible(page)
    screenshot(page, "analyst-05-entity")

    # Why two mentions are linked (the first two the form offers).
    left = page.get_by_label("First mention")
    right = page.get_by_label("Second mention")
    options = left.locator("option").all()
    if len(options) > 1:
        left.select_option(index=0)
        right.select_option(index=1)
        page.get_by_role("button", name="Explain").click()
        expect(page.get_by_role("heading", name="Record a judgement")).to_be_visible()
        check_accessible(page)
        screenshot(page, "analyst-06-why-linked")

    # No further action: a too-short rationale is refused and shown as an error.
    page.goto(f"{base}/alerts/{alert.alert_id}/")
    page.get_by_text("Propose no further action").first.click()
    page.get_by_label("Why no further action").fill("Seen.")
    page.get_by_role("button", name="Propose no further action").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error: "))
    check_accessible(page)
    screenshot(page, "analyst-07-nfa-refused")
    page.get_by_label("Why no further action").fill(
        "Spoke to the school and the social worker: the contact was a relative collecting "
        "her; no concern about the adult or the car."
    )
    page.get_by_role("button", name="Propose no further action").click()
    expect(page.get_by_text("a supervisor must now approve it")).to_be_visible()
    expect(page.get_by_role("button", name="Approve no further action")).to_have_count(0)

    page.goto(base + "/alerts/communities/")
    expect(page.get_by_role("heading", name="Communities in the network")).to_be_visible()
    check_accessible(page)
    screenshot(page, "analyst-08-communities")
    page.locator("table a", has_text="Community").first.click()
    expect(page.locator("#community-network canvas").first).to_be_attached()
    expect(page.locator("#community-network-status")).to_contain_text("shown")
    check_accessible(page)
    screenshot(page, "analyst-09-community")
    sign_out(page)

    # A second, more senior person approves.
    sign_in(page, base, supervisor, "supervisor@police.example")
    page.goto(f"{base}/alerts/{alert.alert_id}/")
    expect(page.get_by_text("awaiting approval")).to_be_visible()
    check_accessible(page)
    screenshot(page, "supervisor-01-nfa-to-approve")
    page.get_by_role("button", name="Approve no further action").click()
    expect(page.get_by_text("the alert is closed")).to_be_visible()
    check_accessible(page)
    screenshot(page, "supervisor-02-nfa-approved")
    alert.refresh_from_db()
    assert alert.status == "closed"
    assert alert.nfa_approved_by_id == supervisor.user.pk

    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors
