"""Making and changing users."""

from __future__ import annotations

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from vigil.web.accounts.models import Profile, Role, Team
from vigil.web.records.models import Agency


@dataclass(frozen=True, slots=True)
class CreatedUser:
    """A new user, and the TOTP secret and recovery codes to hand them, if made."""

    user: AbstractUser
    totp_secret: str | None
    recovery_codes: tuple[str, ...]


@transaction.atomic
def user_create(
    *,
    email: str,
    password: str,
    agency: str,
    role: str,
    teams: tuple[str, ...] = (),
    name: str = "",
    with_totp: bool = False,
) -> CreatedUser:
    """Make a user who signs in with `email` and `password`, in an agency and teams.

    Args:
        email: Their work email address; they sign in with it.
        password: Checked against the password rules.
        agency: The agency code, e.g. "police" (made if new).
        role: One of `Role`.
        teams: Names of teams within the agency (made if new).
        name: Their full name.
        with_totp: Also set up their authenticator app, returning its secret
            and recovery codes (for a demo, or a user who cannot scan a code).

    Raises:
        ValueError: an unknown role, or an email already in use.
        django.core.exceptions.ValidationError: a password the rules refuse.
    """
    if role not in Role.values:
        raise ValueError(f"unknown role {role!r} (known: {', '.join(Role.values)})")
    email = email.strip().lower()
    user_model = get_user_model()
    if user_model.objects.filter(email__iexact=email).exists():
        raise ValueError(f"a user with email {email} already exists")
    first, _, last = name.strip().partition(" ")
    user = user_model(username=email, email=email, first_name=first, last_name=last)
    validate_password(password, user)
    user.set_password(password)
    user.save()
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    agency_row, _ = Agency.objects.get_or_create(code=agency)
    profile = Profile.objects.create(user=user, agency=agency_row, role=role)
    for team in teams:
        profile.teams.add(Team.objects.get_or_create(agency=agency_row, name=team)[0])
    secret, codes = None, ()
    if with_totp:
        secret = generate_totp_secret()
        TOTP.activate(user, secret)
        codes = tuple(RecoveryCodes.activate(user).get_unused_codes())
    return CreatedUser(user=user, totp_secret=secret, recovery_codes=codes)
