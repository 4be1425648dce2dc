"""django-allauth's behaviour for Vigil: accounts are made by an administrator."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class NoSignupAccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    """No one signs themselves up: `vigil users create` makes accounts."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False
