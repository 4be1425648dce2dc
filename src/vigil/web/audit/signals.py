"""Sign-ins, sign-outs and refused sign-ins go into the audit log.

A refused sign-in names only a known account, by user id: neither the password
nor a mistyped email address is ever logged.
"""

from __future__ import annotations

from typing import Any

from allauth.mfa.signals import authentication_failed
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from vigil.core.audit import Event
from vigil.web.accounts import selectors
from vigil.web.audit.services import audit_sign_in


@receiver(user_logged_in)
def _signed_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_sign_in(user=user, event=Event.SIGN_IN, reason="signed in")


@receiver(user_logged_out)
def _signed_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_sign_in(user=user, event=Event.SIGN_OUT, reason="signed out")


@receiver(user_login_failed)
def _refused(sender: Any, credentials: dict[str, Any], request: Any, **kwargs: Any) -> None:
    login = credentials.get("email") or credentials.get("username") or ""
    user = selectors.user_by_email(email=login)
    if user is not None:
        audit_sign_in(user=user, event=Event.ACCESS_DENIED, reason="sign-in refused")


@receiver(authentication_failed)
def _second_factor_refused(
    sender: Any, request: Any, user: Any, reauthentication: bool = False, **kwargs: Any
) -> None:
    # A wrong authenticator or recovery code, after a right password.
    reason = "second factor refused" + (" on re-confirming" if reauthentication else "")
    audit_sign_in(user=user, event=Event.ACCESS_DENIED, reason=reason)
