"""Changing alerts: detection writes and updates them; people move them through their lifecycle.

open → assigned → action_recorded, or → nfa_pending (a written rationale) →
closed once a second, more senior person approves. Every transition is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from vigil.core.audit import Actor, Category, Event, ObjectKind, ObjectRef
from vigil.core.detect import Action, DetectInput, Link, Mention, Record, detect, occurred_date
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
    columns = {
        name: snapshot.mentions.column(name).to_pylist()
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
                snapshot.links.column(n).to_pylist()
                for n in ("record_id", "from_ref", "to_ref", "type")
            ),
            strict=True,
        )
    )
    data = DetectInput(
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
    found = detect(data, as_of=moment)
    created = updated = 0
    now = timezone.now()
    with transaction.atomic():
        existing = {
            a.key: a for a in models.Alert.objects.filter(key__in=[f.finding.key for f in found])
        }
        for alert in found:
            f = alert.finding
            fields = {
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
            row = existing.get(f.key)
            if row is None:
                models.Alert.objects.create(
                    key=f.key, alert_id=f.alert_id, raised_at=moment, **fields
                )
                created += 1
            else:
                for name, value in fields.items():
                    setattr(row, name, value)
                row.save(update_fields=list(fields))
                updated += 1
        audit_record(
            actor=Actor.system("detect"),
            category=Category.ALTERATION,
            event=Event.ALERT_TRANSITION,
            objects=[],
            reason=(
                f"detect as of {moment.date().isoformat()}: "
                f"{created} alerts raised, {updated} updated"
            ),
        )
    return DetectRun(as_of=moment, created=created, updated=updated, alerts=len(found))


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
