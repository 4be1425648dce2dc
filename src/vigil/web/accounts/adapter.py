"""django-allauth's behaviour for Vigil: accounts are made by an administrator,
and a sign-in refused for too many attempts says so plainly and is audited."""

from __future__ import annotations

from typing import Any, ClassVar

from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from vigil.core.audit import Event
from vigil.web.accounts import selectors
from vigil.web.audit.services import audit_sign_in

TOO_MANY_ATTEMPTS = (
    "You have tried to sign in too many times. Wait 5 minutes, then try again. "
    "If you have forgotten your password, ask your agency's Vigil administrator."
)
TOO_MANY_ATTEMPTS_REASON = "sign-in refused: too many attempts"


class NoSignupAccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    """No one signs themselves up: `vigil users create` makes accounts."""

    error_messages: ClassVar[dict[str, Any]] = {
        **DefaultAccountAdapter.error_messages,
        # GOV.UK style: say what happened and what to do next.
        "too_many_login_attempts": TOO_MANY_ATTEMPTS,
    }

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        # A rate-limited attempt never reaches Django's authenticate(), so it
        # sends no user_login_failed signal: audit it here, by user id only.
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            user = selectors.user_by_email(email=credentials.get("email") or "")
            if user is not None:
                audit_sign_in(user=user, event=Event.ACCESS_DENIED, reason=TOO_MANY_ATTEMPTS_REASON)
            raise
