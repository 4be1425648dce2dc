"""Second factors in Chromium: a security key added on the MFA pages and then used to sign
in, a recovery code used once, and a wrong authenticator code refused. Each sign-in page is
checked with axe-core and photographed, and none breaks the content security policy."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from django.core.cache import cache
from playwright.sync_api import expect
from tests.browser.conftest import PASSWORD, check_accessible, screenshot

from vigil.web.accounts import services
from vigil.web.accounts.services import CreatedUser
from vigil.web.audit.models import AuditEntry

pytestmark = pytest.mark.django_db(transaction=True)
EMAIL = "keyholder@police.example"


@pytest.fixture(autouse=True)
def fresh_rate_limits() -> Iterator[None]:
    # Sign-in rate limits live in the cache; each test starts with none used.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def console_errors(page: Any) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return errors


@pytest.fixture
def security_key(page: Any) -> Iterator[str]:
    """A virtual passkey in Chromium's DevTools: it answers WebAuthn as a real one would."""
    session = page.context.new_cdp_session(page)
    session.send("WebAuthn.enable", {"enableUI": False})
    added = session.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    yield added["authenticatorId"]
    session.send("WebAuthn.disable")


def sign_in_with_password(page: Any, url: str, password: str = PASSWORD) -> None:
    page.goto(url + "/accounts/login/")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def no_policy_violations(errors: list[str]) -> None:
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_add_a_security_key_then_sign_in_with_it(
    page: Any, live_server: Any, security_key: str, console_errors: list[str]
) -> None:
    created = services.user_create(
        email=EMAIL, password=PASSWORD, agency="police", role="analyst", name="Kim Keyholder"
    )
    sign_in_with_password(page, live_server.url)
    # No second factor yet: every page sends them to set one up, which (a sensitive
    # change) first asks for their password again.
    page.wait_for_url(re.compile(r"/accounts/reauthenticate/\?next=%2Faccounts%2F2fa%2F"))

    page.goto(live_server.url + "/accounts/2fa/webauthn/add/")
    page.wait_for_url(re.compile(r"/accounts/reauthenticate/"))
    check_accessible(page)
    screenshot(page, "sign-in-10-confirm-password")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(re.compile(r"/accounts/2fa/webauthn/add/"))
    check_accessible(page)
    screenshot(page, "sign-in-11-add-security-key")
    page.get_by_label("Name").fill("Desk key")
    page.get_by_role("button", name="Add").click()
    # allauth makes recovery codes with the first second factor and shows them.
    page.wait_for_url(re.compile(r"/accounts/2fa/recovery-codes/"))
    shown = page.get_by_label("Unused codes").input_value().split()
    codes = Authenticator.objects.get(user=created.user, type=Authenticator.Type.RECOVERY_CODES)
    assert shown == codes.wrap().get_unused_codes() and len(shown) == 10
    check_accessible(page)
    screenshot(page, "sign-in-12-recovery-codes")
    key = Authenticator.objects.get(user=created.user, type=Authenticator.Type.WEBAUTHN)
    assert key.wrap().name == "Desk key"

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/accounts/login/|/$"))

    sign_in_with_password(page, live_server.url)
    page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
    check_accessible(page)
    screenshot(page, "sign-in-13-use-security-key")
    page.get_by_role("button", name="Use a security key").click()
    page.wait_for_url(live_server.url + "/")
    expect(page.get_by_role("heading", name="Home")).to_be_visible()
    assert AuditEntry.objects.filter(event="sign_in", actor_id=str(created.user.pk)).count() == 2

    # The pages that list and manage their security keys.
    page.goto(live_server.url + "/accounts/2fa/")
    check_accessible(page)
    page.goto(live_server.url + "/accounts/2fa/webauthn/")
    expect(page.get_by_text("Desk key")).to_be_visible()
    check_accessible(page)
    screenshot(page, "sign-in-17-security-keys")
    no_policy_violations(console_errors)


@pytest.fixture
def with_totp() -> CreatedUser:
    return services.user_create(
        email=EMAIL, password=PASSWORD, agency="police", role="analyst", with_totp=True
    )


def test_a_recovery_code_signs_in_once_and_not_twice(
    page: Any, live_server: Any, with_totp: CreatedUser, console_errors: list[str]
) -> None:
    code = with_totp.recovery_codes[0]
    sign_in_with_password(page, live_server.url)
    page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Sign In", exact=True).click()
    page.wait_for_url(live_server.url + "/")
    expect(page.get_by_role("heading", name="Home")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/accounts/login/|/$"))

    sign_in_with_password(page, live_server.url)
    page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Sign In", exact=True).click()
    expect(page.get_by_text("Incorrect code.")).to_be_visible()
    assert "/accounts/2fa/authenticate/" in page.url
    check_accessible(page)
    screenshot(page, "sign-in-14-code-refused")
    # Still half signed in: home sends them back to a sign-in step, never to their records.
    page.goto(live_server.url + "/")
    assert re.search(r"/accounts/(login|2fa/authenticate)/", page.url), page.url
    expect(page.get_by_role("heading", name="Home")).to_have_count(0)
    no_policy_violations(console_errors)


def test_too_many_wrong_passwords_are_refused_with_a_clear_message(
    page: Any, live_server: Any, with_totp: CreatedUser, console_errors: list[str]
) -> None:
    for _ in range(5):
        sign_in_with_password(page, live_server.url, password="not the password at all")
        expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    sign_in_with_password(page, live_server.url)
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("You have tried to sign in too many times")
    assert "/accounts/login/" in page.url
    check_accessible(page)
    screenshot(page, "sign-in-15-too-many-attempts")

    # Keep trying from this address and the whole sign-in page is refused (30 a minute).
    heading = page.get_by_role("heading", name="You have tried to sign in too many times")
    for _ in range(30):
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        if heading.count():
            break
    expect(heading).to_be_visible()
    check_accessible(page)
    screenshot(page, "sign-in-16-address-paused")
    no_policy_violations(console_errors)
