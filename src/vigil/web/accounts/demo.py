"""The demo's users: one for each kind of person who works in Vigil.

Each run of the demo gives them new passwords and authenticator secrets, printed
once, so a demo database never carries a password anyone has written down.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth import get_user_model
from django.db import transaction

from vigil.web.accounts.models import Profile, Role
from vigil.web.accounts.services import user_create
from vigil.web.records.models import Agency


@dataclass(frozen=True, slots=True)
class DemoUser:
    email: str
    name: str
    agency: str
    role: str
    teams: tuple[str, ...] = ()


DEMO_USERS = (
    DemoUser("analyst@police.example", "Alex Analyst", "police", Role.ANALYST, ("CSE team",)),
    DemoUser("supervisor@police.example", "Sam Supervisor", "police", Role.SUPERVISOR),
    DemoUser("senior@police.example", "Rowan Senior", "police", Role.SENIOR_REVIEWER),
    DemoUser(
        "worker@social-care.example",
        "Pat Practitioner",
        "children_social_care",
        Role.PRACTITIONER,
        ("Front door",),
    ),
    DemoUser("reviewer@watchdog.example", "Indy Reviewer", "watchdog", Role.INDEPENDENT_REVIEWER),
    DemoUser("inquiry@inquiry.example", "Ingrid Inquiry", "inquiry", Role.AUDITOR),
)


@dataclass(frozen=True, slots=True)
class DemoSignIn:
    user: DemoUser
    password: str
    totp_secret: str
    recovery_codes: tuple[str, ...]


def _password() -> str:
    # Four groups of random words-like characters: long, typeable, shown once.
    return "-".join(secrets.token_urlsafe(6) for _ in range(4))


@transaction.atomic
def demo_users_ready() -> list[DemoSignIn]:
    """Makes the demo users, or gives existing ones a new password and second factor."""
    signed: list[DemoSignIn] = []
    user_model = get_user_model()
    for demo in DEMO_USERS:
        password = _password()
        user = user_model.objects.filter(email__iexact=demo.email).first()
        if user is None:
            created = user_create(
                email=demo.email,
                password=password,
                agency=demo.agency,
                role=demo.role,
                teams=demo.teams,
                name=demo.name,
                with_totp=True,
            )
            assert created.totp_secret is not None
            signed.append(DemoSignIn(demo, password, created.totp_secret, created.recovery_codes))
            continue
        user.set_password(password)
        user.save(update_fields=["password"])
        agency, _ = Agency.objects.get_or_create(code=demo.agency)
        Profile.objects.update_or_create(user=user, defaults={"agency": agency, "role": demo.role})
        Authenticator.objects.filter(user=user).delete()
        secret = generate_totp_secret()
        TOTP.activate(user, secret)
        codes = tuple(RecoveryCodes.activate(user).get_unused_codes())
        signed.append(DemoSignIn(demo, password, secret, codes))
    return signed
