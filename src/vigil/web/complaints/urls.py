from __future__ import annotations

from django.urls import path

from vigil.web.complaints import views

app_name = "complaints"
urlpatterns = [
    path("", views.complaint_list, name="list"),
    path("new/", views.complaint_new, name="new"),
    path("mine/", views.my_complaints, name="mine"),
    path("escalations/", views.escalations, name="escalations"),
    path("escalations/<int:escalation_id>/close/", views.escalation_close, name="escalation_close"),
    path("<int:complaint_id>/", views.complaint_detail, name="detail"),
    path("step/<slug:name>/<int:pk>/", views.step, name="step"),
    # The only pages open without signing in.
    path("anonymous/", views.anonymous_intake, name="anonymous"),
    path("anonymous/follow-up/", views.anonymous_follow_up, name="follow_up"),
]
