from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "vigil.web.audit"
    label = "audit"
    verbose_name = "Audit log"

    def ready(self) -> None:
        from vigil.web.audit import signals  # noqa: F401  (connects the sign-in receivers)
