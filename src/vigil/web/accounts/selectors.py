"""Reading users, their agency, role and teams."""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from vigil.web.accounts.models import Profile

SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def user_has_second_factor(*, user: AbstractBaseUser | AnonymousUser) -> bool:
    """Whether the user can sign in with an authenticator app or a security key."""
    exists: bool = Authenticator.objects.filter(user_id=user.pk, type__in=SECOND_FACTORS).exists()
    return exists


def user_by_email(*, email: str) -> AbstractBaseUser | None:
    """The user who signs in with `email` (any case), or None for an unknown address."""
    if not email:
        return None
    user: AbstractBaseUser | None = (
        get_user_model().objects.filter(email__iexact=email.strip()).first()
    )
    return user


def user_profile(*, user: AbstractBaseUser | AnonymousUser) -> Profile | None:
    """The user's agency, role and teams, or None for a user made outside Vigil."""
    if user.pk is None:
        return None
    return (
        Profile.objects.select_related("agency")
        .prefetch_related("teams")
        .filter(user_id=user.pk)
        .first()
    )
