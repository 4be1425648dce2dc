from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "vigil.web.records"
    label = "records"
    verbose_name = "Records"
