"""Uploads a user may follow: their own, and their agency's for a supervisor."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet

from vigil.web.accounts.models import Role
from vigil.web.uploads.models import Upload


def uploads_visible(*, user: AbstractBaseUser) -> QuerySet[Upload]:
    profile = getattr(user, "profile", None)
    mine = Q(uploaded_by=user)
    if profile is not None and profile.role == Role.SUPERVISOR:
        mine |= Q(uploaded_by__profile__agency=profile.agency)
    return Upload.objects.filter(mine).select_related("ingest_run")


def upload_for(*, user: AbstractBaseUser, upload_id: int) -> Upload | None:
    return uploads_visible(user=user).filter(pk=upload_id).first()
