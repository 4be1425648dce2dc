"""Drafting, approving and releasing redacted reports; opening their sealed keys.

Who may do what (by role, `vigil.web.accounts.models.Role`):

- draft, approve and release: auditors (inquiry and watchdog teams),
  supervisors and senior reviewers;
- approve: never the report's author: release needs two people;
- open the sealed key (who each pseudonym is) and see what was redacted:
  auditors and senior reviewers only; every opening, and every refusal, is
  in the audit log.

A draft is built only from the records its author may read
(`vigil.web.records.access`); before release the rendered HTML and PDF are
read back and checked for every identifier the store knows, and release is
refused if any remains. A released report is immutable: hashed, and logged.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from vigil.core.audit import Category, Event, ObjectKind, ObjectRef
from vigil.core.knowledge import build_chronology, summarise
from vigil.core.publish import KeyEntry, KnownMatcher, Redactor
from vigil.core.publish.report import (
    Leak,
    final_check,
    html_text,
    pdf_text,
    public_report,
    render_pdf,
    report_html,
)
from vigil.core.publish.seal import load_or_create_seal_key, seal, unseal
from vigil.web.accounts.selectors import user_profile
from vigil.web.audit.services import audit_record, web_actor
from vigil.web.knowledge.page import visible_facts
from vigil.web.knowledge.selectors import knowledge_facts, known_entity_ids
from vigil.web.publish.models import Report
from vigil.web.publish.selectors import known_identifiers
from vigil.web.records import access

PUBLISHERS = frozenset({"auditor", "supervisor", "senior_reviewer"})
"""Roles that may draft, approve and release reports."""

KEY_READERS = frozenset({"auditor", "senior_reviewer"})
"""Roles that may open a sealed key and see what was redacted."""


class PublishDeniedError(PermissionDenied):
    """The user's role (or their being the author) does not allow this step."""


class PublishStateError(ValueError):
    """The report is not in the state this step needs (e.g. releasing a draft)."""


class ReleaseRefusedError(RuntimeError):
    """The final check found identifiers the store knows in the rendered report."""

    def __init__(self, leaks: Sequence[Leak]) -> None:
        kinds = sorted({leak.kind for leak in leaks})
        super().__init__(
            f"release refused: {len(leaks)} identifier(s) the store knows remain "
            f"({', '.join(kinds)})"
        )
        self.leaks = tuple(leaks)


@dataclass(frozen=True, slots=True)
class Redacted:
    """What a key reader sees beside the draft: each pseudonym and what it replaced."""

    pseudonym: str
    kind: str
    entity_id: str | None
    written: tuple[str, ...]


def publish_seal_key_path() -> Path:
    """Where the sealing key lives: $VIGIL_PUBLISH_KEY, else $VIGIL_HOME/keys/publish-seal.key."""
    configured = os.environ.get("VIGIL_PUBLISH_KEY")
    if configured:
        return Path(configured)
    return Path(settings.VIGIL_HOME) / "keys" / "publish-seal.key"


def user_role(user: AbstractBaseUser) -> str | None:
    """The user's role, or None when they have no profile."""
    profile = user_profile(user=user)
    return profile.role if profile is not None else None


def report_visible(*, user: AbstractBaseUser, report: Report) -> bool:
    """Whether the user may see a report.

    A released report has passed the final check and is public. Before that,
    its author sees it, and so does a publisher who may read every record it
    was built from (`vigil.web.records.access`): nobody learns from a draft
    what a record they may not read holds.
    """
    if report.status == Report.Status.RELEASED or report.author_id == user.pk:
        return True
    if user_role(user) not in PUBLISHERS:
        return False
    wanted = set(report.record_ids)
    return access.visible_source_ids(user, wanted) >= wanted


def report_check_visible(*, user: AbstractBaseUser, report: Report) -> None:
    """Raises (and logs) when the user may not see the report.

    Raises:
        PublishDeniedError: See `report_visible`.
    """
    if not report_visible(user=user, report=report):
        _deny(user, report, "see this report: it draws on records you may not read")


def report_draft(*, user: AbstractBaseUser, entity_ids: Sequence[str], title: str) -> Report:
    """Drafts a redacted report of who knew what about one entity or a network.

    Args:
        user: The author (a publisher).
        entity_ids: One entity, or every entity of a network.
        title: The report's title (it is redacted too).

    Raises:
        PublishDeniedError: The user may not draft reports.
        PublishStateError: None of the entities is known.
    """
    _require(user, PUBLISHERS, "draft a report")
    known = known_entity_ids(entity_ids=entity_ids)
    wanted = [entity_id for entity_id in dict.fromkeys(entity_ids) if entity_id in known]
    if not wanted:
        raise PublishStateError("none of these entities is known (has the store been linked?)")
    facts = knowledge_facts(entity_ids=wanted)
    visible = access.visible_source_ids(user, [record.record_id for record in facts.records])
    shown = visible_facts(facts, visible)
    chronology = build_chronology(shown)
    summary = summarise(shown, chronology, now=timezone.now())
    entities = known_identifiers()
    document = public_report(
        title=title,
        facts=shown,
        chronology=chronology,
        summary=summary,
        redactor=Redactor(entities, ner=False),
    )
    html = report_html(document)
    with transaction.atomic():
        report = Report.objects.create(
            title=document.title[:300],
            entity_ids=wanted,
            record_ids=sorted(record.record_id for record in shown.records),
            author=user,  # type: ignore[misc]  # the project's user model
            created_at=timezone.now(),
            html=html,
            pdf=render_pdf(html),
            sealed_key=seal(document.key, load_or_create_seal_key(publish_seal_key_path())),
            identifiers_redacted=document.redacted,
            chronology_entries=len(document.lines),
            withheld_records=len(facts.records) - len(shown.records),
        )
        audit_record(
            actor=web_actor(user),
            category=Category.COMBINATION,
            event=Event.PUBLICATION,
            objects=[
                ObjectRef(ObjectKind.REPORT, str(report.pk)),
                *(ObjectRef(ObjectKind.ENTITY, entity_id) for entity_id in wanted[:200]),
            ],
            reason=f"report {report.pk} drafted: {len(document.lines)} entries, redacted",
        )
    return report


def report_approve(*, user: AbstractBaseUser, report_id: int) -> Report:
    """Approves a draft for release: a second person, never its author.

    Raises:
        PublishDeniedError: The user may not approve, or wrote the report.
        PublishStateError: The report is not a draft.
    """
    _require(user, PUBLISHERS, "approve a report")
    report = Report.objects.get(pk=report_id)
    if report.author_id == user.pk:  # logged outside the transaction, so the log keeps it
        _deny(user, report, "approve: the author cannot approve their own report")
    report_check_visible(user=user, report=report)
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report_id)
        if report.status != Report.Status.DRAFT:
            raise PublishStateError(f"report {report.pk} is {report.status}, not a draft")
        report.status = Report.Status.APPROVED
        report.approver = user  # type: ignore[assignment]
        report.approved_at = timezone.now()
        report.save()
        audit_record(
            actor=web_actor(user),
            category=Category.ALTERATION,
            event=Event.DECISION,
            objects=[ObjectRef(ObjectKind.REPORT, str(report.pk))],
            reason=f"report {report.pk} approved for release",
        )
    return report


def report_release(*, user: AbstractBaseUser, report_id: int) -> Report:
    """Releases an approved report after the final check; it never changes after.

    The rendered HTML (its text) and PDF (its extracted text) are scanned for
    every identifier the store knows; if one remains, release is refused and
    the refusal logged.

    Raises:
        PublishDeniedError: The user may not release reports.
        PublishStateError: The report is not approved.
        ReleaseRefusedError: An identifier remains.
    """
    _require(user, PUBLISHERS, "release a report")
    report = Report.objects.get(pk=report_id)
    report_check_visible(user=user, report=report)
    if report.status != Report.Status.APPROVED:
        raise PublishStateError(f"report {report.pk} is {report.status}, not approved")
    pdf = bytes(report.pdf)
    leaks = final_check(
        {"html": html_text(report.html), "pdf": pdf_text(pdf)},
        KnownMatcher.build(known_identifiers()),
    )
    if leaks:
        error = ReleaseRefusedError(leaks)
        audit_record(
            actor=web_actor(user),
            category=Category.ALTERATION,
            event=Event.DECISION,
            objects=[ObjectRef(ObjectKind.REPORT, str(report.pk))],
            reason=str(error)[:200],
        )
        raise error
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report_id)
        if report.status != Report.Status.APPROVED:
            raise PublishStateError(f"report {report.pk} is {report.status}, not approved")
        report.status = Report.Status.RELEASED
        report.released_by = user  # type: ignore[assignment]
        report.released_at = timezone.now()
        report.sha256 = report_hash(report.html, pdf)
        # Saved through the queryset: save() refuses to touch a released report.
        Report.objects.filter(pk=report.pk).update(
            status=report.status,
            released_by=user,
            released_at=report.released_at,
            sha256=report.sha256,
        )
        audit_record(
            actor=web_actor(user),
            category=Category.DISCLOSURE,
            event=Event.PUBLICATION,
            objects=[
                ObjectRef(ObjectKind.REPORT, str(report.pk)),
                ObjectRef(ObjectKind.RECIPIENT, "public"),
            ],
            reason=f"report {report.pk} released, sha256 {report.sha256}",
        )
    return report


def report_hash(html: str, pdf: bytes) -> str:
    """The SHA-256 of a report's HTML and PDF together."""
    digest = hashlib.sha256()
    for part in (html.encode("utf-8"), pdf):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def report_download(*, user: AbstractBaseUser, report_id: int, form: str) -> bytes:
    """A released report's HTML or PDF, checked against its hash; logged as an export.

    Raises:
        PublishStateError: The report is not released, or no longer matches its hash.
    """
    report = Report.objects.get(pk=report_id)
    if report.status != Report.Status.RELEASED:
        raise PublishStateError(f"report {report.pk} is not released")
    pdf = bytes(report.pdf)
    if report_hash(report.html, pdf) != report.sha256:
        raise PublishStateError(f"report {report.pk} does not match the hash taken at release")
    audit_record(
        actor=web_actor(user),
        category=Category.DISCLOSURE,
        event=Event.EXPORT,
        objects=[ObjectRef(ObjectKind.REPORT, str(report.pk))],
        reason=f"released report {report.pk} downloaded as {form}",
    )
    return pdf if form == "pdf" else report.html.encode("utf-8")


def report_key_open(*, user: AbstractBaseUser, report_id: int) -> list[Redacted]:
    """Opens a report's sealed key: who each pseudonym is, and what it replaced.

    Only records the user may read are shown in full; every opening is logged.

    Raises:
        PublishDeniedError: The user's role may not open sealed keys (logged).
    """
    report = Report.objects.get(pk=report_id)
    report_check_visible(user=user, report=report)
    if user_role(user) not in KEY_READERS:
        _deny(user, report, "open the sealed key: only auditors and senior reviewers may")
    entries: list[KeyEntry] = unseal(
        bytes(report.sealed_key), load_or_create_seal_key(publish_seal_key_path())
    )
    audit_record(
        actor=web_actor(user),
        category=Category.CONSULTATION,
        event=Event.VIEW,
        objects=[ObjectRef(ObjectKind.REPORT, str(report.pk))],
        reason=f"sealed pseudonym key of report {report.pk} opened ({len(entries)} entries)",
    )
    return [Redacted(e.pseudonym, e.kind, e.entity_id, e.written) for e in entries]


def _require(user: AbstractBaseUser, roles: frozenset[str], step: str) -> None:
    role = user_role(user)
    if role not in roles:
        audit_record(
            actor=web_actor(user),
            category=Category.CONSULTATION,
            event=Event.ACCESS_DENIED,
            objects=[ObjectRef(ObjectKind.USER, str(user.pk))],
            reason=f"may not {step}: role {role or 'none'}",
        )
        raise PublishDeniedError(f"your role ({role or 'none'}) may not {step}")


def _deny(user: AbstractBaseUser, report: Report, why: str) -> None:
    audit_record(
        actor=web_actor(user),
        category=Category.CONSULTATION,
        event=Event.ACCESS_DENIED,
        objects=[ObjectRef(ObjectKind.REPORT, str(report.pk))],
        reason=f"may not {why}"[:200],
    )
    raise PublishDeniedError(f"you may not {why}")
