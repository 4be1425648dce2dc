from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "vigil.web.alerts"
    label = "alerts"
    verbose_name = "Alerts"

    def ready(self) -> None:
        from vigil.web.alerts import signals  # noqa: F401  (keeps alerts' evidence rows)
