from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "vigil.web.dashboard"
    label = "dashboard"
    verbose_name = "Dashboard"
