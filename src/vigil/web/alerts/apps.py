from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "vigil.web.alerts"
    label = "alerts"
    verbose_name = "Alerts"
