from __future__ import annotations

from django.urls import path

from vigil.web.publish import views

app_name = "publish"
urlpatterns = [
    path("", views.reports, name="reports"),
    path("new/", views.draft, name="draft"),
    path("<int:report_id>/", views.report, name="report"),
    path("<int:report_id>/approve/", views.approve, name="approve"),
    path("<int:report_id>/release/", views.release, name="release"),
    path("<int:report_id>/report.<str:form>", views.download, name="download"),
]
