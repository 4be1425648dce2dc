"""Every page of Vigil. All need a signed-in user with a second factor."""

from __future__ import annotations

from django.urls import include, path

from vigil.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", include("allauth.urls")),
    path("records/", include("vigil.web.records.urls")),
]
