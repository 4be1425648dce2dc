"""Appending to the audit log and signing its heads."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import connection, transaction
from django.utils import timezone

from vigil.core.audit import (
    GENESIS_PREV,
    Actor,
    AuditEntryError,
    Category,
    Event,
    ObjectKind,
    ObjectRef,
    SignedTreeHead,
    Verification,
    format_at,
    load_or_create_key,
    new_entry,
    sign_head,
    verify,
)
from vigil.core.ingest.pipeline import IngestReport
from vigil.web.audit import models, selectors

# Any constant will do: it names the lock that serialises appends on PostgreSQL.
_APPEND_LOCK = 0x5647_4C41_5544_4954  # "VGLAUDIT"


class AuditIntegrityError(RuntimeError):
    """The log failed verification, so no head will be signed over it."""

    def __init__(self, verification: Verification) -> None:
        assert verification.problem is not None
        super().__init__(verification.problem.detail)
        self.verification = verification


def audit_key_path() -> Path:
    """Where the signing key lives: $VIGIL_AUDIT_KEY, else $VIGIL_HOME/keys/audit-ed25519.pem."""
    configured = os.environ.get("VIGIL_AUDIT_KEY")
    if configured:
        return Path(configured)
    return Path(settings.VIGIL_HOME) / "keys" / "audit-ed25519.pem"


def audit_signing_key() -> Ed25519PrivateKey:
    """The audit signing key, created (0600) on first use."""
    return load_or_create_key(audit_key_path())


def audit_record(
    *,
    actor: Actor,
    category: Category | None,
    event: Event,
    objects: Sequence[ObjectRef],
    reason: str,
) -> int:
    """Appends one entry and returns its sequence number.

    Args:
        actor: Who acted.
        category: The DPA 2018 s.62 operation, or None for events that are not
            one (a sign-in, say).
        event: What happened.
        objects: What it happened to, by id only.
        reason: Why: one short line, no case details.

    Raises:
        AuditEntryError: When an object is not an `ObjectRef` or the reason is too long.
    """
    if not all(isinstance(ref, ObjectRef) for ref in objects):
        raise AuditEntryError("audit objects are ObjectRefs: kinds and ids, never content")
    with transaction.atomic():
        _lock_appends()
        last = (
            models.AuditEntry.objects.order_by("-sequence")
            .values_list("sequence", "leaf_hash")
            .first()
        )
        seq, prev = (last[0] + 1, last[1]) if last else (0, GENESIS_PREV)
        row = new_entry(
            seq=seq,
            at=timezone.now(),
            actor=actor,
            category=category,
            event=event,
            objects=tuple(objects),
            reason=reason,
            prev=prev,
        )
        models.AuditEntry.objects.create(
            sequence=row.seq,
            at=row.at,
            actor_kind=row.actor_kind,
            actor_id=row.actor_id,
            actor_agency=row.actor_agency,
            category=row.category,
            event=row.event,
            object_refs=row.objects,
            reason=row.reason,
            prev_hash=row.prev,
            leaf_hash=row.leaf,
        )
        # The index of what the entry names, read from the very text that was hashed.
        models.AuditObject.objects.bulk_create(
            models.AuditObject(sequence=row.seq, ref=ref) for ref in set(row.objects.split())
        )
    return seq


def _lock_appends() -> None:
    """Makes concurrent appends take turns, so each sees the one before it.

    SQLite needs nothing: its transactions start IMMEDIATE (see settings), which
    takes the write lock at once. The unique sequence is the backstop on both.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_APPEND_LOCK])


def audit_verify(*, public_key: Ed25519PublicKey | None = None) -> Verification:
    """Verifies the whole log and every signed head (signatures with the audit key by default)."""
    key = public_key or audit_signing_key().public_key()
    return verify(selectors.audit_entries(), selectors.signed_heads(), public_key=key)


def audit_checkpoint() -> SignedTreeHead:
    """Verifies the log, then signs and stores a head over every entry so far.

    Raises:
        AuditIntegrityError: When the log does not verify: a head signed over a
            tampered log would vouch for the tampering.
    """
    key = audit_signing_key()
    checked = verify(
        selectors.audit_entries(), selectors.signed_heads(), public_key=key.public_key()
    )
    if not checked.ok:
        raise AuditIntegrityError(checked)
    head = sign_head(
        key,
        tree_size=checked.entries,
        root=bytes.fromhex(checked.root),
        signed_at=format_at(timezone.now()),
    )
    models.SignedTreeHead.objects.create(
        tree_size=head.tree_size,
        root=head.root,
        signed_at=head.signed_at,
        key_id=head.key_id,
        signature=head.signature,
    )
    return head


def audit_ingest(*, report: IngestReport) -> int:
    """Logs an ingest run as a collection, naming the run and what it took in."""
    counts = report.counts.values()
    read = sum(c.read for c in counts)
    new = sum(c.new for c in counts)
    versions = sum(c.new_versions for c in counts)
    reason = (
        f"ingest {report.status}: {read} lines read, {new} new, {versions} new versions, "
        f"{report.rejected} rejected, from {Path(report.source).name}"
    )
    return audit_record(
        actor=_cli_actor("ingest"),
        category=Category.COLLECTION,
        event=Event.INGEST,
        objects=[ObjectRef(ObjectKind.RUN, str(report.run_id))],
        reason=reason[:200],
    )


# A search can surface thousands of records; the entry names the first of them
# and says how many there were, so the log stays small and every view is still logged.
SEARCH_REFS_LOGGED = 200


def audit_search(*, user: AbstractBaseUser, kind: str, record_ids: Sequence[int]) -> int:
    """Logs a search as a consultation of the records it surfaced.

    The query itself is not logged: it may be a child's name.
    """
    shown = record_ids[:SEARCH_REFS_LOGGED]
    more = f" (first {len(shown)} named)" if len(record_ids) > len(shown) else ""
    return audit_record(
        actor=web_actor(user),
        category=Category.CONSULTATION,
        event=Event.SEARCH,
        objects=[ObjectRef(ObjectKind.RECORD, str(pk)) for pk in shown],
        reason=f"search by {kind}: {len(record_ids)} records found{more}",
    )


def audit_view(*, user: AbstractBaseUser, record_id: int, purpose: str = "record page") -> int:
    """Logs that a user read a record."""
    return audit_record(
        actor=web_actor(user),
        category=Category.CONSULTATION,
        event=Event.VIEW,
        objects=[ObjectRef(ObjectKind.RECORD, str(record_id))],
        reason=purpose,
    )


def audit_sign_in(*, user: AbstractBaseUser, event: Event, reason: str) -> int:
    """Logs a sign-in, a sign-out or a refused sign-in (access denied)."""
    return audit_record(
        actor=web_actor(user),
        category=None,
        event=event,
        objects=[ObjectRef(ObjectKind.USER, str(user.pk))],
        reason=reason,
    )


def web_actor(user: AbstractBaseUser) -> Actor:
    """A signed-in person by user id, with their agency (`unknown` before one is set)."""
    profile = getattr(user, "profile", None)
    agency = profile.agency.code if profile is not None else "unknown"
    return Actor.user(str(user.pk), agency=agency)


def _cli_actor(component: str) -> Actor:
    """Vigil acting for whoever ran the command, when their login name is an id."""
    user = os.environ.get("USER", "")
    try:
        return Actor.system(component, on_behalf_of=user)
    except AuditEntryError:
        return Actor.system(component)


def audit_access_denied(*, user: AbstractBaseUser, record_id: int, purpose: str, why: str) -> int:
    """Logs that need-to-know refused a user a record: who, which record, when and why."""
    return audit_record(
        actor=web_actor(user),
        category=Category.CONSULTATION,
        event=Event.ACCESS_DENIED,
        objects=[ObjectRef(ObjectKind.RECORD, str(record_id))],
        reason=f"{purpose}: refused, {why}"[:200],
    )


def audit_break_glass(
    *,
    user: AbstractBaseUser,
    record_id: int,
    grant_id: int,
    kind: str,
    hours: int,
    reason_digest: str,
) -> int:
    """Logs a reason a user gave to read a record (break-glass, or a restricted record's).

    The reason itself may name a child, so the log holds its digest; the text
    stays with the grant, where the review reads it.
    """
    return audit_record(
        actor=web_actor(user),
        category=Category.CONSULTATION,
        event=Event.BREAK_GLASS,
        objects=[ObjectRef(ObjectKind.RECORD, str(record_id))],
        reason=f"{kind} grant {grant_id} for {hours}h; reason sha256:{reason_digest[:16]}",
    )


def audit_break_glass_review(
    *, reviewer: AbstractBaseUser, record_id: int, grant_id: int, outcome: str
) -> int:
    """Logs a supervisor's review of a break-glass use."""
    return audit_record(
        actor=web_actor(reviewer),
        category=None,
        event=Event.DECISION,
        objects=[ObjectRef(ObjectKind.RECORD, str(record_id))],
        reason=f"break-glass grant {grant_id} reviewed: {outcome}",
    )
