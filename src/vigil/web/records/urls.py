from __future__ import annotations

from django.urls import path

from vigil.web.records import views

app_name = "records"
urlpatterns = [
    path("search/", views.search, name="search"),
    path("<int:record_id>/", views.record, name="record"),
    path("runs/", views.runs, name="runs"),
    path("runs/<int:run_id>/", views.run, name="run"),
]
