"""The home page: what the signed-in user can see at a glance."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from vigil.web.accounts import selectors as account_selectors
from vigil.web.alerts import selectors as alert_selectors
from vigil.web.records import access
from vigil.web.records import selectors as record_selectors

RECENT_RUNS = 5


def home(request: HttpRequest) -> HttpResponse:
    # Counts are of what need-to-know lets this user read, so they reveal nothing else.
    summary = record_selectors.readable_summary(user=request.user)
    return render(
        request,
        "home.html",
        {
            "profile": account_selectors.user_profile(user=request.user),
            "totals": {
                key.replace("_", " ").capitalize(): value
                for key, value in summary["totals"].items()
            },
            "records_by_agency": summary["records_by_agency"],
            "recent_runs": record_selectors.ingest_runs_query()[:RECENT_RUNS],
            "reviews_break_glass": access.may_review_break_glass(request.user),
            "overview": alert_selectors.home_overview(user=request.user),
        },
    )
