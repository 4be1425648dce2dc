"""Every command that touches the store starts here."""

from __future__ import annotations

import os
from pathlib import Path


def open_store() -> None:
    """Sets Django up and brings the database schema up to date."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.web.settings")
    import django
    from django.conf import settings
    from django.core.management import call_command

    django.setup()
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        Path(settings.DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    call_command("migrate", verbosity=0, interactive=False)
