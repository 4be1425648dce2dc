"""Every page of Vigil. All need a signed-in user with a second factor."""

from __future__ import annotations

from django.urls import include, path

from vigil.web import views
from vigil.web.api.api import urls as api_urls

handler429 = "vigil.web.accounts.views.too_many_attempts"  # allauth's sign-in rate limits
urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", include("allauth.urls")),
    path("records/", include("vigil.web.records.urls")),
    path("entities/", include("vigil.web.entities.urls")),
    path("alerts/", include("vigil.web.alerts.urls")),
    path("complaints/", include("vigil.web.complaints.urls")),
    path("knowledge/", include("vigil.web.knowledge.urls")),
    path("publish/", include("vigil.web.publish.urls")),
    path("api/", api_urls),
    path("ingest/", include("vigil.web.uploads.urls")),
    path("dashboard/", include("vigil.web.dashboard.urls")),
]
