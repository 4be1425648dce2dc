"""Changing alerts: detection writes and updates them; people move them through their lifecycle.

open → assigned → action_recorded, or → nfa_pending (a written rationale) →
closed once a second, more senior person approves. Every transition is audited.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pyarrow as pa
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from vigil.core.audit import Actor, Category, Event, ObjectKind, ObjectRef
from vigil.core.detect import (
    Action,
    Alert,
    DetectInput,
    Link,
    Mention,
    Record,
    detect,
    occurred_date,
)
from vigil.core.detect.inputs import MentionKey
from vigil.core.detect.replay import ReplayData, ReplayResult, replay, replay_steps
from vigil.web.alerts import models
from vigil.web.audit.services import audit_record, web_actor

Status = models.Alert.Status
# Who may approve a no-further-action decision: more senior than the proposer.
SENIOR_ROLES = frozenset({"supervisor"})
MIN_RATIONALE_CHARS = 20


class AlertTransitionError(ValueError):
    """A transition the lifecycle or the four-eyes rule does not allow."""


@dataclass(frozen=True, slots=True)
class DetectRun:
    """What one `vigil detect` did."""

    as_of: datetime
    created: int
    updated: int
    alerts: int


def alerts_detect(*, as_of: datetime | None = None) -> DetectRun:
    """Runs detection over the store as known at `as_of` and writes or updates alerts.

    An alert found again keeps its id, status and `raised_at`; its evidence,
    priority and explanation are updated.
    """
    from vigil.web.entities.selectors import previous_assignment
    from vigil.web.records.snapshot import detect_inputs_rows, snapshot_tables

    moment = as_of or timezone.now()
    snapshot = snapshot_tables(as_of=as_of)
    records, actions = detect_inputs_rows(as_of=as_of)
    entity_of = previous_assignment()
    data = _detect_input(snapshot.mentions, snapshot.links, records, actions, entity_of)
    found = detect(data, as_of=moment)
    created, updated = _write_alerts(
        found, {}, default_raised_at=moment, what=f"detect as of {moment.date().isoformat()}"
    )
    return DetectRun(as_of=moment, created=created, updated=updated, alerts=len(found))


@dataclass(frozen=True, slots=True)
class ReplayRun:
    """What one `vigil replay` did."""

    steps: int
    full_links: int
    alerts: int
    created: int
    updated: int
    withdrawn: int
    link_seconds: float
    detect_seconds: float
    read_seconds: float
    corrected_records: int
    result: ReplayResult


def alerts_replay(
    *, start: date, end: date, every: str = "month", relink_every: int = 12
) -> ReplayRun:
    """Replays linkage and detection over the store, step by step, and writes the alerts.

    The store is read once, as known at the end; each step keeps only the
    records, mentions, links and actions dated on or before it. The alerts
    firing at the last step are written or updated, each with `raised_at` the
    first step it fired at (or its stored `raised_at`, if that is earlier).
    A record corrected during the replay is read in its version known at the
    end (`corrected_records` counts them).
    """
    from vigil.core.linkage import resolve
    from vigil.web.entities.selectors import previous_assignment
    from vigil.web.records import models as record_models
    from vigil.web.records.snapshot import detect_inputs_rows, snapshot_tables

    steps = replay_steps(start, end, every)
    started = time.monotonic()
    snapshot = snapshot_tables(as_of=steps[-1])
    records, actions = detect_inputs_rows(as_of=steps[-1])
    unlinked = _detect_input(snapshot.mentions, snapshot.links, records, actions, {})
    data = ReplayData(
        mentions=snapshot.mentions,
        links=snapshot.links,
        records=unlinked.records,
        actions=unlinked.actions,
    )
    corrected = record_models.Record.objects.filter(version_count__gt=1).count()
    read_seconds = time.monotonic() - started

    def link(
        mentions: pa.Table, links: pa.Table, previous: Mapping[MentionKey, str]
    ) -> dict[MentionKey, str]:
        members = resolve(mentions, links, previous=previous).memberships
        return dict(
            zip(
                zip(
                    members.column("record_id").to_pylist(),
                    members.column("ref").to_pylist(),
                    strict=True,
                ),
                members.column("entity_id").to_pylist(),
                strict=True,
            )
        )

    result = replay(
        data,
        steps,
        link=link,
        detect=lambda known, at: detect(known, as_of=at),
        previous=previous_assignment(),
        relink_every=relink_every,
    )
    created, updated = _write_alerts(
        result.alerts,
        result.raised_at,
        default_raised_at=steps[-1],
        what=f"replay {start.isoformat()} to {end.isoformat()} every {every}",
    )
    return ReplayRun(
        steps=len(steps),
        full_links=sum(s.full_link for s in result.steps),
        alerts=len(result.alerts),
        created=created,
        updated=updated,
        withdrawn=len(result.withdrawn),
        link_seconds=sum(s.link_seconds for s in result.steps),
        detect_seconds=sum(s.detect_seconds for s in result.steps),
        read_seconds=read_seconds,
        corrected_records=corrected,
        result=result,
    )


def _detect_input(
    mentions_table: pa.Table,
    links_table: pa.Table,
    records: list[dict[str, Any]],
    actions: list[dict[str, Any]],
    entity_of: Mapping[MentionKey, str],
) -> DetectInput:
    columns = {
        name: mentions_table.column(name).to_pylist()
        for name in ("record_id", "ref", "type", "role", "age", "dob")
    }
    mentions = tuple(
        Mention(
            record_id=record_id,
            ref=ref,
            entity_id=entity_of.get((record_id, ref), f"mention:{record_id}:{ref}"),
            type=kind,
            role=role,
            age=age,
            dob=dob,
        )
        for record_id, ref, kind, role, age, dob in zip(*columns.values(), strict=True)
    )
    links = tuple(
        Link(*row)
        for row in zip(
            *(
                links_table.column(n).to_pylist()
                for n in ("record_id", "from_ref", "to_ref", "type")
            ),
            strict=True,
        )
    )
    return DetectInput(
        records=tuple(
            Record(
                record_id=r["record_id"],
                agency=r["agency"],
                kind=r["kind"],
                recorded_at=r["recorded_at"],
                offence=r["offence"],
                occurred=occurred_date(r["occurred_on"]),
            )
            for r in records
        ),
        mentions=mentions,
        links=links,
        actions=tuple(
            Action(
                action_id=a["action_id"],
                agency=a["agency"],
                kind=a["kind"],
                taken_at=a["taken_at"],
                record_ids=tuple(a["record_ids"]),
                subjects=tuple(a["subjects"]),
                rationale=a["rationale"],
            )
            for a in actions
        ),
    )


def _write_alerts(
    found: list[Alert],
    raised_at: Mapping[str, datetime],
    *,
    default_raised_at: datetime,
    what: str,
) -> tuple[int, int]:
    """Writes new alerts and updates known ones (by key), audited; returns (created, updated)."""
    created = updated = 0
    now = timezone.now()
    with transaction.atomic():
        existing = {
            a.key: a for a in models.Alert.objects.filter(key__in=[f.finding.key for f in found])
        }
        for alert in found:
            f = alert.finding
            fields: dict[str, Any] = {
                "rule": f.rule,
                "triggered_at": f.triggered_at,
                "updated_at": now,
                "priority": alert.priority.value,
                "harm": alert.priority.harm,
                "entity_ids": list(f.entity_ids),
                "mentions": [{"record_id": r, "ref": ref} for r, ref in f.mentions],
                "record_ids": list(f.record_ids),
                "explanation": alert.explanation,
            }
            first = raised_at.get(f.key, default_raised_at)
            row = existing.get(f.key)
            if row is None:
                models.Alert.objects.create(
                    key=f.key, alert_id=f.alert_id, raised_at=first, **fields
                )
                created += 1
            else:
                if f.key in raised_at and first < row.raised_at:
                    fields["raised_at"] = first
                for name, value in fields.items():
                    setattr(row, name, value)
                row.save(update_fields=list(fields))
                updated += 1
        audit_record(
            actor=Actor.system("detect"),
            category=Category.ALTERATION,
            event=Event.ALERT_TRANSITION,
            objects=[],
            reason=f"{what}: {created} alerts raised, {updated} updated"[:200],
        )
    return created, updated


def _role(user: AbstractBaseUser) -> str:
    profile = getattr(user, "profile", None)
    return profile.role if profile is not None else ""


def _transition(
    alert: models.Alert,
    *,
    user: AbstractBaseUser,
    allowed_from: set[str],
    to: str,
    event: Event,
    reason: str,
    fields: dict[str, object],
) -> models.Alert:
    with transaction.atomic():
        alert = models.Alert.objects.select_for_update().get(pk=alert.pk)
        if alert.status not in allowed_from:
            raise AlertTransitionError(f"an alert that is {alert.status} cannot become {to}")
        before = alert.status
        alert.status = to
        for name, value in fields.items():
            setattr(alert, name, value)
        alert.updated_at = timezone.now()
        alert.save()
        audit_record(
            actor=web_actor(user),
            category=Category.ALTERATION,
            event=event,
            objects=[ObjectRef(ObjectKind.ALERT, alert.alert_id)],
            reason=f"{before} -> {to}: {reason}"[:200],
        )
    return alert


def alert_assign(
    *, alert: models.Alert, assignee: AbstractBaseUser, by: AbstractBaseUser
) -> models.Alert:
    """Gives an open (or assigned) alert an owner."""
    return _transition(
        alert,
        user=by,
        allowed_from={Status.OPEN, Status.ASSIGNED},
        to=Status.ASSIGNED,
        event=Event.ALERT_TRANSITION,
        reason=f"assigned to user {assignee.pk}",
        fields={"assigned_to": assignee},
    )


def alert_action_record(*, alert: models.Alert, by: AbstractBaseUser, note: str) -> models.Alert:
    """Records that a qualifying action was taken on an assigned alert."""
    if not note.strip():
        raise AlertTransitionError("say what action was taken")
    return _transition(
        alert,
        user=by,
        allowed_from={Status.ASSIGNED},
        to=Status.ACTION_RECORDED,
        event=Event.ALERT_TRANSITION,
        reason="action recorded",
        fields={"action_note": note},
    )


def alert_nfa_propose(*, alert: models.Alert, by: AbstractBaseUser, rationale: str) -> models.Alert:
    """Proposes no further action, with a written rationale, for a senior to approve."""
    if len(rationale.strip()) < MIN_RATIONALE_CHARS:
        raise AlertTransitionError(
            "no further action needs a written rationale of at least "
            f"{MIN_RATIONALE_CHARS} characters"
        )
    return _transition(
        alert,
        user=by,
        allowed_from={Status.OPEN, Status.ASSIGNED},
        to=Status.NFA_PENDING,
        event=Event.DECISION,
        reason="no further action proposed",
        fields={"nfa_rationale": rationale, "nfa_proposed_by": by},
    )


def alert_nfa_approve(*, alert: models.Alert, by: AbstractBaseUser) -> models.Alert:
    """Closes an alert on a proposed no-further-action decision: four eyes.

    Raises:
        AlertTransitionError: When the approver proposed it, or is not a supervisor.
    """
    if alert.nfa_proposed_by_id == by.pk:
        raise AlertTransitionError("the person who proposed no further action cannot approve it")
    if _role(by) not in SENIOR_ROLES:
        raise AlertTransitionError("no further action must be approved by a supervisor")
    return _transition(
        alert,
        user=by,
        allowed_from={Status.NFA_PENDING},
        to=Status.CLOSED,
        event=Event.DECISION,
        reason="no further action approved",
        fields={"nfa_approved_by": by},
    )


def alert_nfa_reject(*, alert: models.Alert, by: AbstractBaseUser, reason: str) -> models.Alert:
    """Sends a proposed no-further-action decision back: the alert is assigned again."""
    if _role(by) not in SENIOR_ROLES or alert.nfa_proposed_by_id == by.pk:
        raise AlertTransitionError("only a supervisor other than the proposer can reject")
    return _transition(
        alert,
        user=by,
        allowed_from={Status.NFA_PENDING},
        to=Status.ASSIGNED,
        event=Event.DECISION,
        reason=f"no further action rejected: {reason}",
        fields={"nfa_rationale": "", "nfa_proposed_by": None},
    )
