from __future__ import annotations

from django.urls import path

from vigil.web.alerts import views

app_name = "alerts"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("communities/", views.communities, name="communities"),
    path("communities/<str:entity_id>/", views.community, name="community"),
    path(
        "communities/<str:entity_id>/network.json",
        views.community_network,
        name="community_network",
    ),
    path("<str:alert_id>/", views.detail, name="detail"),
    path("<str:alert_id>/<slug:decision>/", views.decide, name="decide"),
]
