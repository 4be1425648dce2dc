from __future__ import annotations

from django.urls import path

from vigil.web.uploads import views

app_name = "uploads"
urlpatterns = [
    path("", views.new, name="new"),
    path("<int:upload_id>/", views.detail, name="detail"),
]
