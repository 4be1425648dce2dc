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

The rules, in the order they are tried:

1. Own agency: the record's current version belongs to the user's agency.
2. Shared with: the current version was shared with the user's agency. (A
   record shared with one named member of staff grants nobody here: users are
   not matched to staff ids.)
3. Alert assignment: the user is assigned an alert, not yet closed, that names
   the record as evidence.
4. Role: auditors (inquiry and watchdog teams), senior reviewers and
   independent reviewers read every record that is not restricted, for
   oversight across agencies.
5. Restricted records (sensitivity `restricted`, `secret`, `top-secret`, such
   as a victim's health notes) are read only by a practitioner, supervisor or
   senior reviewer whom rule 1, 2 or 3 reaches, and only after they record why
   they need it; the reason lets them read it for `REASON_LASTS`.
6. Break-glass: anyone else may record a reason and read the record for
   `BREAK_GLASS_LASTS`; every use is listed for a supervisor to review.

A reason given is kept with its grant and named in the audit log by digest
only, since it may name a child.

Rejected lines: their file, line number and reason are shown to every user
(reasons name fields and ids, not people), but the excerpt of the line itself
may hold anything the line held, so it is shown only to a supervisor of the
agency the excerpt names (`"agency": "..."`). An excerpt that names no agency
(a CSV row, a line cut short) is shown to no one in the web application; the
operator reads it with `vigil rejects RUN` on the server.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from vigil.web.accounts.models import Profile, Role
from vigil.web.alerts.models import Alert
from vigil.web.audit.services import (
    audit_access_denied,
    audit_break_glass,
    audit_break_glass_review,
)
from vigil.web.records.models import AccessGrant, Record, RecordAudience

User = AbstractBaseUser | AnonymousUser

RESTRICTED = frozenset({"restricted", "secret", "top-secret", "top secret"})
OVERSIGHT_ROLES = frozenset({Role.AUDITOR, Role.SENIOR_REVIEWER, Role.INDEPENDENT_REVIEWER})
RESTRICTED_ROLES = frozenset({Role.PRACTITIONER, Role.SUPERVISOR, Role.SENIOR_REVIEWER})
# Who reviews break-glass uses: supervisors for their own agency, senior reviewers for all.
BREAK_GLASS_REVIEWERS = frozenset({Role.SUPERVISOR, Role.SENIOR_REVIEWER})
REASON_LASTS = timedelta(hours=8)  # a working day
BREAK_GLASS_LASTS = timedelta(hours=4)
MIN_REASON = 15  # enough for a sentence, not a tick-box word
_CHUNK = 500


class Grant(StrEnum):
    """Why a user may read a record."""

    OWN_AGENCY = "own agency"
    SHARED_WITH = "shared with the user's agency"
    ALERT_ASSIGNMENT = "assigned to an alert the record is evidence for"
    ROLE = "the user's role"
    RESTRICTED_REASON = "a recorded reason for a restricted record"
    BREAK_GLASS = "break-glass access, flagged for review"


class Remedy(StrEnum):
    """What a refused user may do next."""

    GIVE_REASON = "give_reason"  # a restricted record their rules reach
    BREAK_GLASS = "break_glass"
    NONE = "none"  # not set up with an agency and role


class AccessDenied(PermissionDenied):
    """No rule grants the user this record; the denial has been logged."""

    def __init__(self, why: str, *, record_id: int | None = None, remedy: Remedy = Remedy.NONE):
        super().__init__(why)
        self.why = why
        self.record_id = record_id
        self.remedy = remedy


def is_restricted(sensitivity: str | None) -> bool:
    """Whether a record of this sensitivity needs a role and a recorded reason."""
    return (sensitivity or "").strip().lower() in RESTRICTED


def user_role(user: User) -> str | None:
    """The user's role, or None for a user with no profile."""
    profile = _profile(user)
    return profile.role if profile is not None else None


@dataclass(frozen=True, slots=True)
class _Reach:
    """What a user's rules reach, worked out once a request."""

    user_id: int
    agency: str
    role: str
    alert_source_ids: tuple[str, ...]
    granted_record_ids: tuple[int, ...]  # grants in force now


def _profile(user: User) -> Profile | None:
    if not user.is_authenticated or user.pk is None:
        return None
    cached = getattr(user, "_vigil_profile", None)
    if cached is None:
        cached = Profile.objects.select_related("agency").filter(user_id=user.pk).first()
        if cached is None:
            return None
        vars(user)["_vigil_profile"] = cached
    return cached


# A page asks need-to-know several times (counts, lists, evidence): within one web
# request the user's reach is worked out once. Anything saved that could change it
# (an alert's assignee or evidence, a grant, a profile) forgets it at once.
_kept_reach: ContextVar[dict[int, _Reach | None] | None] = ContextVar("vigil_reach", default=None)


class ReachPerRequestMiddleware:
    """Keeps each user's reach for the length of one request, and no longer."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _kept_reach.set({})
        try:
            return self.get_response(request)
        finally:
            _kept_reach.reset(token)


def forget_reach(**_: Any) -> None:
    """Drops the reach kept for this request (connected to saves that could change it)."""
    kept = _kept_reach.get()
    if kept:
        kept.clear()


def _reach(user: User) -> _Reach | None:
    kept = _kept_reach.get()
    if kept is None or user.pk is None:
        return _reach_now(user)
    if user.pk not in kept:
        kept[user.pk] = _reach_now(user)
    return kept[user.pk]


def _reach_now(user: User) -> _Reach | None:
    profile = _profile(user)
    if profile is None:
        return None
    evidence = (
        Alert.objects.filter(assigned_to_id=profile.user_id)
        .exclude(status=Alert.Status.CLOSED)
        .values_list("record_ids", flat=True)
    )
    source_ids = tuple(sorted({str(s) for ids in evidence for s in ids or ()}))
    granted = AccessGrant.objects.filter(user_id=profile.user_id, expires_at__gt=timezone.now())
    return _Reach(
        user_id=profile.user_id,
        agency=profile.agency.code,
        role=profile.role,
        alert_source_ids=source_ids,
        granted_record_ids=tuple(sorted(set(granted.values_list("record_id", flat=True)))),
    )


def visible_record_ids(user: User) -> QuerySet[Any]:
    """Record pks the user may read now, as a subquery (`.values("pk")`) to filter with.

    Restricted records count only under a reason still in force; break-glass
    grants in force count too.
    """
    reach = _reach(user)
    if reach is None:
        return Record.objects.none().values("pk")
    return Record.objects.filter(_readable(reach, "")).values("pk")


def readable_q(user: User, record: str = "") -> Q:
    """The same rules as `visible_record_ids`, as a filter on a record reached by `record`.

    Each rule is a correlated EXISTS on the record's own rows (its audience, its
    grants), so a query that stops after a page of rows checks only those rows,
    rather than first gathering every record the user may read.

    Args:
        user: Who reads.
        record: The path from the filtered model to a `Record`, ending in "__"
            ("record_version__record__"), or "" to filter `Record` itself.
    """
    reach = _reach(user)
    if reach is None:
        return Q(pk__in=[])
    return _readable(reach, record)


def _restricted(record: str) -> Exists:
    version = OuterRef(f"{record}current_version")
    return Exists(
        RecordAudience.objects.filter(record_version=version, is_owner=True, restricted=True)
    )


def _shared(reach: _Reach, record: str) -> Q:
    """What every user of the same agency (or every oversight user) reads: rules 1, 2 and 4."""
    if reach.role in OVERSIGHT_ROLES:
        return Q(~_restricted(record))
    version = OuterRef(f"{record}current_version")
    audience = Exists(RecordAudience.objects.filter(record_version=version, audience=reach.agency))
    return audience & ~_restricted(record)


def _own(reach: _Reach, record: str) -> Q | None:
    """What only this user reads: their alerts' records (rule 3) and grants in force.

    Both as lists of ids known before the query, not as subqueries: an OR of
    subqueries would make PostgreSQL gather every record the agency reads first.
    """
    own: Q | None = None
    if reach.alert_source_ids and reach.role not in OVERSIGHT_ROLES:
        assigned = Q(**{f"{record}source_id__in": reach.alert_source_ids})
        own = assigned & Q(~_restricted(record))
    if reach.granted_record_ids:
        granted = Q(**{f"{record}pk__in": reach.granted_record_ids})
        own = granted if own is None else own | granted
    return own


def _readable(reach: _Reach, record: str) -> Q:
    shared, own = _shared(reach, record), _own(reach, record)
    return shared if own is None else shared | own


@dataclass(frozen=True, slots=True)
class ReadableParts:
    """A user's need-to-know split for counting: `shared` is the same for everyone in
    `group` (an agency, or oversight), so its counts can be kept for all of them;
    `extra_pks` are the user's own few records beyond it, before need-to-know's
    check (their alerts' records and their grants in force)."""

    group: str
    shared: Q
    extra_pks: frozenset[int]


def readable_parts(user: User, record: str = "") -> ReadableParts | None:
    """The user's need-to-know as `ReadableParts`; None without a role.

    Args:
        user: Who reads.
        record: The path from the filtered model to a `Record`, as for `readable_q`.
    """
    reach = _reach(user)
    if reach is None:
        return None
    extra = set(reach.granted_record_ids)
    if reach.role not in OVERSIGHT_ROLES:
        for start in range(0, len(reach.alert_source_ids), _CHUNK):
            extra.update(
                Record.objects.filter(
                    source_id__in=reach.alert_source_ids[start : start + _CHUNK]
                ).values_list("pk", flat=True)
            )
    group = "oversight" if reach.role in OVERSIGHT_ROLES else f"agency:{reach.agency}"
    return ReadableParts(group=group, shared=_shared(reach, record), extra_pks=frozenset(extra))


def filter_record_ids(user: User, record_ids: Iterable[int]) -> set[int]:
    """The given record pks that the user may read."""
    wanted = sorted(set(record_ids))
    readable = readable_q(user)
    found: set[int] = set()
    for start in range(0, len(wanted), _CHUNK):
        found.update(
            Record.objects.filter(pk__in=wanted[start : start + _CHUNK])
            .filter(readable)
            .values_list("pk", flat=True)
        )
    return found


def visible_source_ids(user: User, source_ids: Iterable[str]) -> set[str]:
    """The given record source ids that the user may read."""
    wanted = sorted({str(s) for s in source_ids})
    readable = readable_q(user)
    found: set[str] = set()
    for start in range(0, len(wanted), _CHUNK):
        found.update(
            Record.objects.filter(source_id__in=wanted[start : start + _CHUNK])
            .filter(readable)
            .values_list("source_id", flat=True)
        )
    return found


@dataclass(frozen=True, slots=True)
class _Verdict:
    grant: Grant | None
    why: str = ""
    remedy: Remedy = Remedy.NONE


def _verdict(user: User, record: Record) -> _Verdict:
    """The grant under which the user may read `record`, or why not and what they may do."""
    reach = _reach(user)
    if reach is None:
        return _Verdict(None, "the user has no agency or role")
    version = record.current_version
    audience = dict(
        RecordAudience.objects.filter(record_version=version).values_list("audience", "is_owner")
    )
    restricted = bool(
        RecordAudience.objects.filter(record_version=version, is_owner=True, restricted=True)
        .values("pk")
        .exists()
    )
    rule: Grant | None = None
    if audience.get(reach.agency) is True:
        rule = Grant.OWN_AGENCY
    elif reach.agency in audience:
        rule = Grant.SHARED_WITH
    elif record.source_id in reach.alert_source_ids:
        rule = Grant.ALERT_ASSIGNMENT
    elif reach.role in OVERSIGHT_ROLES and not restricted:
        rule = Grant.ROLE
    grants = set(
        AccessGrant.objects.filter(
            user_id=reach.user_id, record=record, expires_at__gt=timezone.now()
        ).values_list("kind", flat=True)
    )
    if restricted:
        if AccessGrant.Kind.RESTRICTED_REASON in grants and reach.role in RESTRICTED_ROLES:
            return _Verdict(Grant.RESTRICTED_REASON)
        if AccessGrant.Kind.BREAK_GLASS in grants:
            return _Verdict(Grant.BREAK_GLASS)
        if rule is not None and reach.role in RESTRICTED_ROLES:
            return _Verdict(None, "restricted: no reason recorded", Remedy.GIVE_REASON)
        if rule is not None:
            return _Verdict(
                None, f"restricted: role {reach.role} not permitted", Remedy.BREAK_GLASS
            )
        return _Verdict(None, "restricted: no rule grants it", Remedy.BREAK_GLASS)
    if rule is not None:
        return _Verdict(rule)
    if AccessGrant.Kind.BREAK_GLASS in grants:
        return _Verdict(Grant.BREAK_GLASS)
    return _Verdict(None, "no rule grants it", Remedy.BREAK_GLASS)


def _record(record_id: int) -> Record | None:
    return (
        Record.objects.select_related("current_version")
        .filter(pk=record_id, current_version__isnull=False)
        .first()
    )


def check_record(user: User, record_id: int, *, purpose: str) -> Grant:
    """The grant under which the user may read one record.

    Args:
        user: Who asks.
        record_id: The record's pk.
        purpose: What for, in a few words ("record page", "export"); logged with a denial.

    Raises:
        AccessDenied: No rule grants it (or there is no such record); the
            denial is in the audit log, and `remedy` says what the user may do.
    """
    if not user.is_authenticated:
        raise AccessDenied("sign in first", record_id=record_id)
    record = _record(record_id)
    verdict = _verdict(user, record) if record is not None else _Verdict(None, "no such record")
    if verdict.grant is not None:
        return verdict.grant
    audit_access_denied(user=user, record_id=record_id, purpose=purpose, why=verdict.why)
    raise AccessDenied(verdict.why, record_id=record_id, remedy=verdict.remedy)


def access_remedy(user: User, record_id: int) -> Remedy:
    """What the user may do to read a record they are refused (nothing logged)."""
    record = _record(record_id)
    if record is None or not user.is_authenticated:
        return Remedy.NONE
    verdict = _verdict(user, record)
    return Remedy.NONE if verdict.grant is not None else verdict.remedy


_EXCERPT_AGENCY = re.compile(r'"agency"\s*:\s*"([^"\\]+)"')


def may_read_excerpt(user: User, excerpt: str) -> bool:
    """Whether the user may read a rejected line's excerpt (see the module docstring)."""
    profile = _profile(user)
    if profile is None or profile.role != Role.SUPERVISOR:
        return False
    named = set(_EXCERPT_AGENCY.findall(excerpt))
    return named == {profile.agency.code}


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@transaction.atomic
def access_reason_record(*, user: AbstractBaseUser, record_id: int, reason: str) -> AccessGrant:
    """Records why a refused user needs a record, and lets them read it for a while.

    A restricted record that the user's rules and role reach gets a reason
    grant (`REASON_LASTS`); anything else is break-glass (`BREAK_GLASS_LASTS`),
    flagged for review. Either is in the audit log, the reason by digest.

    Raises:
        ValueError: A reason too short, no such record, a user with no agency
            or role, or a record the user may already read.
    """
    reason = reason.strip()
    if len(reason) < MIN_REASON:
        raise ValueError(f"say why in at least {MIN_REASON} characters")
    record = _record(record_id)
    if record is None:
        raise ValueError("no such record")
    verdict = _verdict(user, record)
    if verdict.grant is not None:
        raise ValueError("you may already read this record")
    if verdict.remedy is Remedy.NONE:
        raise ValueError("you have no agency or role in Vigil")
    if verdict.remedy is Remedy.GIVE_REASON:
        kind, lasts = AccessGrant.Kind.RESTRICTED_REASON, REASON_LASTS
    else:
        kind, lasts = AccessGrant.Kind.BREAK_GLASS, BREAK_GLASS_LASTS
    now = timezone.now()
    grant = AccessGrant.objects.create(
        user_id=user.pk,
        record=record,
        kind=kind,
        reason=reason,
        granted_at=now,
        expires_at=now + lasts,
    )
    audit_break_glass(
        user=user,
        record_id=record.pk,
        grant_id=grant.pk,
        kind=kind.replace("_", "-"),
        hours=int(lasts.total_seconds() // 3600),
        reason_digest=_digest(reason),
    )
    return grant


def may_review_break_glass(user: User) -> bool:
    """Whether the user reviews break-glass uses (supervisors and senior reviewers)."""
    return user_role(user) in BREAK_GLASS_REVIEWERS


def break_glass_uses(*, reviewer: User, pending_only: bool = False) -> QuerySet[AccessGrant]:
    """The break-glass uses a reviewer may review, newest first.

    A supervisor sees uses by their agency's users and uses of their agency's
    records; a senior reviewer sees every use; anyone else sees none.
    """
    profile = _profile(reviewer)
    uses = AccessGrant.objects.filter(kind=AccessGrant.Kind.BREAK_GLASS)
    if profile is None or profile.role not in BREAK_GLASS_REVIEWERS:
        return uses.none()
    if profile.role == Role.SUPERVISOR:
        owned = RecordAudience.objects.filter(audience=profile.agency.code, is_owner=True)
        uses = uses.filter(
            Q(user__profile__agency=profile.agency)
            | Q(record__current_version__in=owned.values("record_version"))
        )
    if pending_only:
        uses = uses.filter(reviewed_at__isnull=True)
    return uses.select_related("user", "record", "reviewed_by").order_by("-granted_at", "-pk")


@transaction.atomic
def break_glass_review(
    *, reviewer: AbstractBaseUser, grant_id: int, outcome: str, note: str = ""
) -> AccessGrant:
    """A reviewer's verdict on one break-glass use: justified or not, with a note.

    Raises:
        PermissionDenied: The reviewer may not review this use, or it is their own.
        ValueError: An unknown outcome, or a use already reviewed.
    """
    if outcome not in AccessGrant.Outcome.values:
        raise ValueError(f"unknown outcome {outcome!r}")
    # Only the grant row is locked: the query joins nullable tables to decide who may review.
    uses = break_glass_uses(reviewer=reviewer).select_for_update(of=("self",))
    grant = uses.filter(pk=grant_id).first()
    if grant is None:
        raise PermissionDenied("not a break-glass use you review")
    if grant.user_id == reviewer.pk:
        raise PermissionDenied("no one reviews their own break-glass use")
    if grant.reviewed_at is not None:
        raise ValueError("already reviewed")
    grant.reviewed_by = reviewer  # type: ignore[assignment]
    grant.reviewed_at = timezone.now()
    grant.outcome = outcome
    grant.review_note = note.strip()
    grant.save(update_fields=("reviewed_by", "reviewed_at", "outcome", "review_note"))
    audit_break_glass_review(
        reviewer=reviewer, record_id=grant.record_id, grant_id=grant.pk, outcome=outcome
    )
    return grant
