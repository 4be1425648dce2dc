"""A real browser (Debian's Chromium, never a downloaded one) against a live server."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

from vigil.web.accounts import services
from vigil.web.accounts.services import CreatedUser

CHROMIUM = Path("/usr/bin/chromium")
REPO = Path(__file__).resolve().parents[2]
AXE = REPO / "node_modules/axe-core/axe.min.js"
SCREENSHOTS = REPO / "var/screenshots"
PASSWORD = "a long enough test passphrase"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

# Playwright's sync API runs an event loop in the test's thread; the test's own
# database calls (making users and records) are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")

if not CHROMIUM.exists():
    pytest.skip("needs /usr/bin/chromium (make setup installs it)", allow_module_level=True)


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, Any]:
    return {
        "executable_path": str(CHROMIUM),
        "headless": True,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args() -> dict[str, Any]:
    return {"viewport": {"width": 1280, "height": 900}, "locale": "en-GB"}


@pytest.fixture
def analyst(transactional_db: None) -> CreatedUser:
    return services.user_create(
        email="analyst@police.example",
        password=PASSWORD,
        agency="police",
        role="analyst",
        teams=("Child exploitation",),
        name="Asha Analyst",
        with_totp=True,
    )


def totp_now(secret: str) -> str:
    """The authenticator app's code for this moment, never one about to expire.

    The server accepts only the current 30-second window, so a code typed in its last
    seconds can be stale by the time the form arrives on a busy machine."""
    left = 30 - time.time() % 30
    if left < 6:
        time.sleep(left + 0.2)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def sign_in(page: Any, base: str, user: CreatedUser, then: str = "/") -> None:
    """Password, then the authenticator code, landing on `then`."""
    page.goto(base + then)
    page.get_by_label("Email").fill(user.user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
    assert user.totp_secret
    page.get_by_label("Code").fill(totp_now(user.totp_secret))
    page.get_by_role("button", name="Sign In", exact=True).click()
    page.wait_for_url(re.compile(re.escape(then) + "$"))


def check_accessible(page: Any) -> None:
    """axe-core finds no WCAG 2.2 AA violation on the page as it stands."""
    # Evaluated through the DevTools protocol, which the page's CSP does not govern.
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_22_AA
    )
    violations = [
        f"{v['id']}: {v['help']} ({', '.join(n['target'][0] for n in v['nodes'])})"
        for v in result["violations"]
    ]
    assert not violations, f"{page.url}:\n" + "\n".join(violations)


def screenshot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


Checker = Callable[[Any, str], None]
