from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "vigil.web.records"
    label = "records"
    verbose_name = "Records"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from vigil.web.accounts.models import Profile
        from vigil.web.alerts.models import Alert
        from vigil.web.records.access import forget_reach
        from vigil.web.records.models import AccessGrant

        # What a user's reach is made of: a save forgets the reach kept for the request.
        for model in (Alert, AccessGrant, Profile):
            post_save.connect(forget_reach, sender=model, dispatch_uid=f"vigil-reach-{model}")
            post_delete.connect(forget_reach, sender=model, dispatch_uid=f"vigil-reach-d-{model}")
