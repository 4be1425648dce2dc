"""No page without signing in; a strict content security policy; safe cookies; production."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from vigil.web.accounts import services

# allauth's own sign-in pages are public by design; everything else needs a user.
PUBLIC_PREFIXES = ("/accounts/", "/complaints/anonymous/")  # anonymous complaints: by design
# The API answers with its own keys: its description is public, every operation needs a key.
API_DESCRIPTION = ("/api/openapi.json", "/api/docs")
SECRET = "x7!Kq2#pLm9$Vz4&Tn8*Rb3^Wc6(Yh1)Jd5_Fg0+Ss-Ee=Uu[Oo]Ii{Aa}"


def _walk(patterns: list[URLPattern | URLResolver], prefix: str = "") -> list[str]:
    urls = []
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            urls += _walk(list(pattern.url_patterns), route)
        else:
            urls.append("/" + re.sub(r"<(?:\w+:)?\w+>", "1", route).lstrip("^").rstrip("$"))
    return urls


@pytest.mark.django_db
def test_every_page_outside_sign_in_redirects_an_anonymous_user_to_sign_in() -> None:
    urls = [u for u in _walk(get_resolver().url_patterns) if not u.startswith(PUBLIC_PREFIXES)]
    assert "/records/search/" in urls and "/" in urls
    client = Client()
    for url in urls:
        response = client.get(url)
        if url.startswith("/api/"):
            if url.startswith(API_DESCRIPTION):
                assert response.status_code == 200, url
            else:
                # 401 without a key; 405 a POST-only operation; 404 the bare root, which is no page
                assert response.status_code in (401, 404, 405), url
            continue
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("account_login")), url


@pytest.mark.django_db
def test_a_user_without_a_second_factor_is_sent_to_set_one_up() -> None:
    created = services.user_create(
        email="new@police.example",
        password="a long enough passphrase",
        agency="police",
        role="analyst",
    )
    client = Client()
    client.force_login(created.user)
    response = client.get("/records/search/")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


@pytest.mark.django_db
def test_no_one_can_sign_up() -> None:
    response = Client().post(
        "/accounts/signup/",
        {"email": "x@example.org", "password1": "p" * 20, "password2": "p" * 20},
    )
    assert b"Sign Up Closed" in response.content or response.status_code in (302, 403)
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.exists()


@pytest.mark.django_db
def test_sign_in_page_has_a_strict_policy_and_the_inline_script_its_nonce() -> None:
    response = Client().get(reverse("account_login"))
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    nonce = re.search(r"'nonce-([^']+)'", policy)
    assert nonce, policy
    assert f'<script nonce="{nonce.group(1)}">'.encode() in response.content
    assert response["X-Frame-Options"] == "DENY"
    cookie = response.cookies["csrftoken"]
    assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Strict"


@pytest.mark.django_db
def test_session_cookie_is_secure_http_only_and_same_site() -> None:
    services.user_create(
        email="c@police.example",
        password="a long enough passphrase",
        agency="police",
        role="analyst",
        with_totp=True,
    )
    response = Client().post(
        reverse("account_login"),
        {"login": "c@police.example", "password": "a long enough passphrase"},
    )
    assert response["Location"] == reverse("mfa_authenticate")
    cookie = response.cookies["sessionid"]
    assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Lax"


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("VIGIL_", "DJANGO_"))}
    return subprocess.run(
        [sys.executable, "-m", "django", *args],
        env={**clean, "DJANGO_SETTINGS_MODULE": "vigil.web.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deployment_checks() -> None:
    result = _manage(
        {
            "VIGIL_ENV": "production",
            "VIGIL_SECRET_KEY": SECRET,
            "VIGIL_ALLOWED_HOSTS": "vigil.example.gov.uk",
        },
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("env", "missing"),
    [
        ({"VIGIL_ALLOWED_HOSTS": "vigil.example.gov.uk"}, "VIGIL_SECRET_KEY"),
        ({"VIGIL_SECRET_KEY": SECRET}, "VIGIL_ALLOWED_HOSTS"),
    ],
)
def test_production_refuses_to_start_without_its_secrets(env: dict[str, str], missing: str) -> None:
    result = _manage({"VIGIL_ENV": "production", **env}, "check")
    assert result.returncode != 0
    assert f"{missing} must be set in production" in result.stderr
