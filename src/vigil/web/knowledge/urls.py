from __future__ import annotations

from django.urls import path

from vigil.web.knowledge import views

app_name = "knowledge"
urlpatterns = [
    path("", views.network, name="network"),
    path("alert/<str:alert_id>/", views.alert, name="alert"),
    path("<str:entity_id>/", views.entity, name="entity"),
]
