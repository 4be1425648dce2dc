"""Agency systems that push records to Vigil and read its alerts."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ApiClient(models.Model):
    """An agency's system, acting as a service user of that agency.

    Only a hash of its key is kept: a lost key is revoked and a new one made.
    What it may read is what its service user may read (need-to-know applies).
    """

    name = models.CharField(max_length=200)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_client"
    )
    key_prefix = models.CharField(max_length=12)  # to tell keys apart in lists, not secret
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True)
    last_used_at = models.DateTimeField(null=True)
