"""Every signed-in user has a second factor before they see any record."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from vigil.web.accounts import selectors


class SecondFactorRequiredMiddleware:
    """Sends a signed-in user with no authenticator app or security key to set one up.

    Only the account pages (set-up, sign-out) and static assets stay reachable
    until they have one.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith("/accounts/")
            and not selectors.user_has_second_factor(user=user)
        ):
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
