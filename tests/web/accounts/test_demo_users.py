"""The demo's users: each role present, with a second factor, new secrets on each run."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth import authenticate, get_user_model

from vigil.web.accounts.demo import DEMO_USERS, demo_users_ready
from vigil.web.accounts.models import Role

pytestmark = pytest.mark.django_db


def test_every_role_has_a_demo_user_who_can_sign_in_with_a_second_factor() -> None:
    signed = demo_users_ready()
    assert {s.user.role for s in signed} == set(Role.values)
    for sign_in in signed:
        user = authenticate(username=sign_in.user.email, password=sign_in.password)
        assert user is not None, sign_in.user.email
        assert user.profile.role == sign_in.user.role
        kinds = set(Authenticator.objects.filter(user=user).values_list("type", flat=True))
        assert kinds == {Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES}


def test_running_the_demo_again_replaces_passwords_and_secrets() -> None:
    first = {s.user.email: s for s in demo_users_ready()}
    second = {s.user.email: s for s in demo_users_ready()}
    assert get_user_model().objects.count() == len(DEMO_USERS)
    for email, again in second.items():
        before = first[email]
        assert again.password != before.password and again.totp_secret != before.totp_secret
        assert authenticate(username=email, password=before.password) is None
        assert authenticate(username=email, password=again.password) is not None
        assert Authenticator.objects.filter(user__email=email).count() == 2
