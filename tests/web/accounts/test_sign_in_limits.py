"""Sign-in limits per account and per address, a wrong or reused second factor refused,
no way round the second step, and every refusal audited by user id alone."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.core.cache import cache, caches
from django.test import Client
from django.urls import reverse

from vigil.web.accounts import services
from vigil.web.accounts.services import CreatedUser
from vigil.web.audit.models import AuditEntry

pytestmark = pytest.mark.django_db
PASSWORD = "a long enough test passphrase"
WRONG = "not the password at all"
EMAIL = "analyst@police.example"
TOO_MANY = b"You have tried to sign in too many times"


@pytest.fixture(autouse=True)
def fresh_rate_limits() -> Iterator[None]:
    # The limits live in the cache, which outlives a test: start and end with none used.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def analyst() -> CreatedUser:
    return services.user_create(
        email=EMAIL, password=PASSWORD, agency="police", role="analyst", with_totp=True
    )


def sign_in(client: Client, email: str = EMAIL, password: str = PASSWORD) -> bytes:
    response = client.post(reverse("account_login"), {"login": email, "password": password})
    return bytes(response.content)


def passed_password_step(client: Client, email: str = EMAIL) -> bool:
    response = client.post(reverse("account_login"), {"login": email, "password": PASSWORD})
    return response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")


def refusals(reason: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(event="access_denied", reason=reason))


def code_now(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_wrong_passwords_for_one_account_lock_it_even_from_new_addresses(
    analyst: CreatedUser,
) -> None:
    for n in range(5):
        page = sign_in(Client(REMOTE_ADDR=f"192.0.2.{n + 1}"), password=WRONG)
        assert b"There is a problem" in page and TOO_MANY not in page
    # The sixth try, from yet another address and with the right password, is refused.
    client = Client(REMOTE_ADDR="198.51.100.7")
    page = sign_in(client)
    assert TOO_MANY in page and b"Wait 5 minutes, then try again" in page
    assert b'class="govuk-error-summary"' in page
    assert not passed_password_step(client)
    # Another account is not locked by it.
    services.user_create(
        email="other@police.example",
        password=PASSWORD,
        agency="police",
        role="analyst",
        with_totp=True,
    )
    assert passed_password_step(Client(REMOTE_ADDR="198.51.100.7"), email="other@police.example")


def test_many_failed_sign_ins_from_one_address_are_refused(analyst: CreatedUser) -> None:
    client = Client(REMOTE_ADDR="203.0.113.9")
    for n in range(10):
        # A different account each time, so no one account's limit is reached.
        assert TOO_MANY not in sign_in(client, email=f"guess{n}@police.example", password=WRONG)
    assert TOO_MANY in sign_in(client)
    assert not passed_password_step(client)
    # The account itself is not locked: from another address it signs in.
    assert passed_password_step(Client(REMOTE_ADDR="203.0.113.10"))


def test_too_many_requests_from_one_address_get_a_plain_english_page() -> None:
    # Counted on sign-in attempts (POSTs), whether or not the form was filled in.
    client = Client(REMOTE_ADDR="203.0.113.20")
    statuses = [client.post(reverse("account_login"), {}).status_code for _ in range(30)]
    assert statuses == [200] * 30
    refused = client.post(reverse("account_login"), {})
    assert refused.status_code == 429
    assert b"You have tried to sign in too many times" in refused.content
    assert b"govuk-heading-l" in refused.content
    assert client.get(reverse("account_login")).status_code == 200
    other = Client(REMOTE_ADDR="203.0.113.21")
    assert other.post(reverse("account_login"), {}).status_code == 200


def test_a_sign_in_refused_for_its_address_is_audited_against_a_known_account(
    analyst: CreatedUser,
) -> None:
    client = Client(REMOTE_ADDR="203.0.113.30")
    for _ in range(30):
        client.post(reverse("account_login"), {})
    assert sign_in(client, password=WRONG) and not refusals("sign-in refused")
    (refused,) = refusals("sign-in refused: too many attempts from one address")
    assert refused.object_refs == f"user:{analyst.user.pk}"
    client.post(reverse("account_login"), {"login": "nobody@police.example", "password": WRONG})
    assert AuditEntry.objects.filter(event="access_denied").count() == 1


def test_a_refused_sign_in_is_audited_by_user_id_without_the_password_or_email(
    analyst: CreatedUser,
) -> None:
    for n in range(6):
        sign_in(Client(REMOTE_ADDR=f"192.0.2.{n + 1}"), password=WRONG)
    sign_in(Client(REMOTE_ADDR="192.0.2.99"), email="nobody@police.example", password=WRONG)
    assert len(refusals("sign-in refused")) == 5
    (locked,) = refusals("sign-in refused: too many attempts")
    assert locked.object_refs == f"user:{analyst.user.pk}"
    assert locked.actor_id == str(analyst.user.pk)
    logged = " ".join(str(value) for row in AuditEntry.objects.values() for value in row.values())
    assert WRONG not in logged and PASSWORD not in logged
    assert "analyst@" not in logged and "nobody" not in logged and "police.example" not in logged


def test_a_wrong_authenticator_code_is_refused_and_audited(analyst: CreatedUser) -> None:
    client = Client()
    assert passed_password_step(client)
    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert response.status_code == 200
    assert b"Incorrect code." in response.content
    (refused,) = refusals("second factor refused")
    assert refused.object_refs == f"user:{analyst.user.pk}"
    assert "_auth_user_id" not in client.session
    assert client.get("/records/search/").status_code == 302


def test_repeated_wrong_codes_are_refused_even_the_right_one(analyst: CreatedUser) -> None:
    client = Client()
    assert passed_password_step(client)
    for _ in range(5):
        client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert analyst.totp_secret
    response = client.post(reverse("mfa_authenticate"), {"code": code_now(analyst.totp_secret)})
    assert TOO_MANY in response.content
    assert "_auth_user_id" not in client.session


def test_the_right_code_signs_in(analyst: CreatedUser) -> None:
    client = Client()
    assert passed_password_step(client)
    assert analyst.totp_secret
    response = client.post(reverse("mfa_authenticate"), {"code": code_now(analyst.totp_secret)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(analyst.user.pk)
    assert client.get("/records/search/").status_code == 200


@pytest.mark.parametrize("page", ["/", "/records/search/", "/accounts/2fa/", "/accounts/email/"])
def test_the_second_step_cannot_be_skipped(analyst: CreatedUser, page: str) -> None:
    client = Client()
    assert passed_password_step(client)
    response = client.get(page)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session


def test_a_recovery_code_works_once_and_not_twice(analyst: CreatedUser) -> None:
    code = analyst.recovery_codes[0]
    first = Client()
    assert passed_password_step(first)
    assert first.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302
    assert first.session["_auth_user_id"] == str(analyst.user.pk)

    second = Client()
    assert passed_password_step(second)
    response = second.post(reverse("mfa_authenticate"), {"code": code})
    assert b"Incorrect code." in response.content
    assert "_auth_user_id" not in second.session
    # An unused code still works.
    assert (
        second.post(reverse("mfa_authenticate"), {"code": analyst.recovery_codes[1]}).status_code
        == 302
    )


def test_the_limits_cache_is_shared_by_the_servers_threads() -> None:
    # waitress serves each request on one of its threads, all in one process.
    assert settings.CACHES["default"]["BACKEND"].endswith("LocMemCache")
    cache.set("vigil-test-seen", "yes")
    seen: list[object] = []
    thread = threading.Thread(target=lambda: seen.append(caches["default"].get("vigil-test-seen")))
    thread.start()
    thread.join()
    assert seen == ["yes"]
