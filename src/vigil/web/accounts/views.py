"""The page for an address that has tried to sign in too often (allauth's 429)."""

from __future__ import annotations

from http import HTTPStatus

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from vigil.core.audit import Event
from vigil.web.accounts import selectors
from vigil.web.audit.services import audit_sign_in

TOO_MANY_REQUESTS_REASON = "sign-in refused: too many attempts from one address"


def too_many_attempts(request: HttpRequest) -> HttpResponse:
    """Refuses the request in plain words; a sign-in naming a known account is audited."""
    if request.method == "POST":
        user = selectors.user_by_email(email=request.POST.get("login", ""))
        if user is not None:
            audit_sign_in(user=user, event=Event.ACCESS_DENIED, reason=TOO_MANY_REQUESTS_REASON)
    return render(request, "429.html", status=HTTPStatus.TOO_MANY_REQUESTS)
