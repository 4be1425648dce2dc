from __future__ import annotations

from django.urls import path

from vigil.web.dashboard import views

app_name = "dashboard"
urlpatterns = [
    path("harm/", views.harm, name="harm"),
]
