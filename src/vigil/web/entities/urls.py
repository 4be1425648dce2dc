from __future__ import annotations

from django.urls import path

from vigil.web.entities import views

app_name = "entities"
urlpatterns = [
    path("<str:entity_id>/", views.profile, name="profile"),
    path("<str:entity_id>/network.json", views.network, name="network"),
    path("<str:entity_id>/judgements/", views.judgement, name="judgement"),
]
