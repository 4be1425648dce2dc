from __future__ import annotations

from django.urls import path

from vigil.web.records import views

app_name = "records"
urlpatterns = [
    path("search/", views.search, name="search"),
    path("<int:record_id>/", views.record, name="record"),
    path("<int:record_id>/access/", views.access_request, name="access"),
    path("break-glass/", views.break_glass_uses, name="break_glass"),
    path("break-glass/<int:grant_id>/", views.break_glass_review, name="break_glass_review"),
    path("runs/", views.runs, name="runs"),
    path("runs/<int:run_id>/", views.run, name="run"),
]
