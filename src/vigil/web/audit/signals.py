"""Sign-ins, sign-outs and refused sign-ins go into the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from vigil.core.audit import Event
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
    # Only a known account is named; a mistyped address is not logged as anyone.
    login = credentials.get("email") or credentials.get("username") or ""
    user = get_user_model().objects.filter(email__iexact=login).first() if login else None
    if user is not None:
        audit_sign_in(user=user, event=Event.ACCESS_DENIED, reason="sign-in refused")
