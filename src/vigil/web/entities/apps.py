from django.apps import AppConfig


class EntitiesConfig(AppConfig):
    name = "vigil.web.entities"
    label = "entities"
    verbose_name = "Entities"
