from django.apps import AppConfig


class PublishConfig(AppConfig):
    name = "vigil.web.publish"
    label = "publish"
    verbose_name = "Publication"
