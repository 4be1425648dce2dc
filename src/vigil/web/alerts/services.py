"""Changing alerts: detection writes and updates them; people move them through their lifecycle.

open → assigned → action_recorded, or → nfa_pending (a written rationale) →
closed once a second, more senior person approves. An alert unowned past its
SLA escalates to a supervisor; a subject dismissed twice escalates to a senior
reviewer, whose approval any further dismissal then needs; new evidence on a
closed or actioned alert reopens it. The rules are `vigil.core.detect.lifecycle`.
Every transition is audited, naming the alert, its subjects and its records.
"""

from __future__ import annotations

import time
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from vigil.core.audit import Actor, AuditEntryError, Category, Event, ObjectKind, ObjectRef
from vigil.core.detect import (
    Action,
    Alert,
    DetectInput,
    Detector,
    Link,
    Mention,
    Record,
    detect,
    lifecycle,
    occurred_date,
)
from vigil.core.detect.harm import HarmIndex, harm_in_force
from vigil.core.detect.inputs import MentionKey
from vigil.core.detect.lineage import Lineage, successors
from vigil.core.detect.replay import ReplayData, ReplayResult, replay, replay_steps
from vigil.web.alerts import models
from vigil.web.audit.services import audit_record, web_actor
from vigil.web.detect_settings import lifecycle_settings
from vigil.web.network.communities import communities_store

Status = models.Alert.Status
# Who may approve a no-further-action decision: more senior than the proposer.
SENIOR_ROLES = frozenset({lifecycle.SUPERVISOR, lifecycle.SENIOR_REVIEWER})
MIN_RATIONALE_CHARS = lifecycle.LifecycleSettings().min_rationale_chars
# An audit entry names at most this many records and entities (and says how many there were).
AUDIT_REFS = 200


class AlertTransitionError(ValueError):
    """A transition the lifecycle or the four-eyes rule does not allow."""


def harm_now() -> HarmIndex:
    """The harm weights in force: the packaged file, with a loaded spreadsheet laid over it."""
    return harm_in_force(Path(settings.VIGIL_HOME))


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
    priority and explanation are updated. A closed or actioned alert found on
    new records is reopened, saying why. Harm is weighed with `harm_now()`.
    Escalation is a separate step: `alerts_escalate`.
    """
    from vigil.web.entities.selectors import previous_assignment
    from vigil.web.records.snapshot import detect_inputs_rows, snapshot_tables

    moment = as_of or timezone.now()
    snapshot = snapshot_tables(as_of=as_of)
    records, actions = detect_inputs_rows(as_of=as_of)
    entity_of = previous_assignment()
    data = _detect_input(snapshot.mentions, snapshot.links, records, actions, entity_of)
    found = detect(data, as_of=moment, harm_index=harm_now())
    created, updated = _write_alerts(
        found,
        {},
        default_raised_at=moment,
        what=f"detect as of {moment.date().isoformat()}",
        lineage=alert_lineage(set(entity_of.values())),
        entity_of=entity_of,
    )
    # The communities pages read these. Outside the alerts' transaction on purpose: that one
    # holds the audit append lock, which Leiden must not keep from every page view.
    communities_store(data, as_of=moment)
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
    *, start: date, end: date, every: str = "month", relink_every: int = 24
) -> ReplayRun:
    """Replays linkage and detection over the store, step by step, and writes the alerts.

    The store is read once, as known at the end; each step keeps only the
    records, mentions, links and actions dated on or before it. The alerts
    firing at the last step are written or updated, each with `raised_at` the
    first step it fired at (or its stored `raised_at`, if that is earlier).
    A record corrected during the replay is read in its version known at the
    end (`corrected_records` counts them).
    """
    from vigil.web.entities.selectors import previous_assignment
    from vigil.web.records import models as record_models
    from vigil.web.records.snapshot import detect_inputs_rows, snapshot_tables

    steps = replay_steps(start, end, every)
    harm = harm_now()
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
    stored = previous_assignment()
    # Linked by vigil's resolver, its person model kept between full links.
    result = replay(
        data,
        steps,
        detect=Detector(harm_index=harm),  # carries its evidence from step to step
        previous=stored,
        relink_every=relink_every,
    )
    # Ids the replay's own linkage retired from the stored one carry stored alerts on too.
    retired = successors(stored, result.entity_of)
    created, updated = _write_alerts(
        result.alerts,
        result.raised_at,
        default_raised_at=steps[-1],
        what=f"replay {start.isoformat()} to {end.isoformat()} every {every}",
        lineage=alert_lineage(
            set(result.entity_of.values()), {old: new for old, (new, _) in retired.items()}
        ),
        entity_of=result.entity_of,
    )
    # The communities pages show the graph as linked now, as they did before replay.
    linked = _detect_input(snapshot.mentions, snapshot.links, records, actions, stored)
    communities_store(linked, as_of=steps[-1])
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


def _refs(ids: Iterable[str], kind: ObjectKind, limit: int) -> list[ObjectRef]:
    """Object references for ids that are valid audit ids, at most `limit` of them."""
    out: list[ObjectRef] = []
    for ident in ids:
        if len(out) >= limit:
            break
        try:
            out.append(ObjectRef(kind, ident))
        except AuditEntryError:
            continue  # not an id the log can name; the alert itself is still named
    return out


def _alert_objects(alert: models.Alert) -> list[ObjectRef]:
    """The alert, whom it is about, and the records it rests on (as many as the log takes)."""
    subjects = list(alert.subject_ids or [])
    return [
        ObjectRef(ObjectKind.ALERT, alert.alert_id),
        *_refs(subjects, ObjectKind.ENTITY, AUDIT_REFS),
        *_refs(alert.record_ids or [], ObjectKind.RECORD, AUDIT_REFS),
    ]


def _audit_alert(alert: models.Alert, actor: Actor, reason: str) -> None:
    """Logs a change to one alert, naming it, its subjects and its records."""
    audit_record(
        actor=actor,
        category=Category.ALTERATION,
        event=Event.ALERT_TRANSITION,
        objects=_alert_objects(alert),
        reason=reason[:200],
    )


def _more(alert: models.Alert) -> str:
    """', N records (first 200 named)' when the entry could not name them all."""
    records = len(alert.record_ids or [])
    return f" ({records} records, first {AUDIT_REFS} named)" if records > AUDIT_REFS else ""


def _write_alerts(
    found: list[Alert],
    raised_at: Mapping[str, datetime],
    *,
    default_raised_at: datetime,
    what: str,
    lineage: Lineage | None = None,
    entity_of: Mapping[MentionKey, str] | None = None,
) -> tuple[int, int]:
    """Writes new alerts and updates known ones (by key), audited; returns (created, updated).

    A new alert is logged as raised, naming it, its subjects and its records; a
    closed or actioned alert whose rule fires on new records is reopened and
    logged with why; the run's entry names the alerts it updated.

    With `lineage`, an alert whose subjects' ids a re-link retired is found by
    its subjects' successors: the finding updates it (its id, status, owner and
    history kept), and the re-keying is logged with both keys. Of two alerts that
    a merge makes one, the one raised first continues; the other is marked
    unsupported, naming it. An alert not yet done with whose rule no longer fires
    (raised by `default_raised_at`) is marked unsupported, saying whether the
    linkage of its evidence changed (`entity_of`, the linkage detection used), and
    left for a person to close with a reason; it is never deleted, and the mark
    is cleared if the rule fires on it again.
    """
    created = updated = 0
    now = timezone.now()
    actor = Actor.system("detect")
    touched: list[str] = []
    lineage = lineage or Lineage({})
    with transaction.atomic():
        by_key = {f.finding.key: f for f in found}
        existing = {a.key: a for a in models.Alert.objects.filter(key__in=list(by_key))}
        continued, unfound = _continued(by_key, existing, lineage, default_raised_at)
        existing.update(continued)
        for alert in found:
            f = alert.finding
            fields: dict[str, Any] = {
                "rule": f.rule,
                "triggered_at": f.triggered_at,
                "updated_at": now,
                "priority": alert.priority.value,
                "harm": alert.priority.harm,
                "subject_ids": list(f.subject_ids),
                "entity_ids": list(f.entity_ids),
                "mentions": [{"record_id": r, "ref": ref} for r, ref in f.mentions],
                "record_ids": list(f.record_ids),
                "explanation": alert.explanation,
            }
            first = raised_at.get(f.key, default_raised_at)
            row = existing.get(f.key)
            if row is None:
                row = models.Alert.objects.create(
                    key=f.key, alert_id=f.alert_id, raised_at=first, **fields
                )
                created += 1
                _audit_alert(row, actor, f"-> open: raised by {f.rule} ({what}){_more(row)}")
                continue
            if f.key in raised_at and first < row.raised_at:
                fields["raised_at"] = first
            former = (row.key, list(row.subject_ids or []))
            if row.key != f.key:
                fields.update(key=f.key, former_keys=[*(row.former_keys or []), row.key])
            supported_again = row.unsupported_at is not None
            if supported_again:
                fields.update(unsupported_at=None, unsupported_reason="")
            why = lifecycle.reopen_reason(
                status=row.status, known_records=row.record_ids, found_records=f.record_ids
            )
            before = row.status
            if why is not None:
                fields.update(
                    status=lifecycle.reopened_status(owned=row.assigned_to_id is not None).value,
                    reopened_at=now,
                    reopen_reason=why,
                    closed_at=None,
                )
            for name, value in fields.items():
                setattr(row, name, value)
            row.save(update_fields=list(fields))
            updated += 1
            touched.append(row.alert_id)
            if "key" in fields:
                audit_record(
                    actor=actor,
                    category=Category.ALTERATION,
                    event=Event.ALERT_TRANSITION,
                    objects=[
                        *_alert_objects(row),
                        *_refs(former[1], ObjectKind.ENTITY, AUDIT_REFS),
                    ],
                    reason=f"re-keyed {former[0]} -> {row.key}: subjects re-linked"[:200],
                )
            if supported_again:
                _audit_alert(row, actor, f"supported again: {f.rule} fires on it ({what})")
            if why is not None:
                _audit_alert(row, actor, f"{before} -> {row.status}: {why}")
        unsupported = _mark_unsupported(unfound, existing, lineage, entity_of, now, actor, what)
        shown = touched[:AUDIT_REFS]
        named = f" (first {len(shown)} named)" if len(touched) > len(shown) else ""
        marked = f", {unsupported} no longer supported" if unsupported else ""
        audit_record(
            actor=actor,
            category=Category.ALTERATION,
            event=Event.ALERT_TRANSITION,
            objects=[ObjectRef(ObjectKind.ALERT, alert_id) for alert_id in shown],
            reason=f"{what}: {created} alerts raised, {updated} updated{marked}{named}"[:200],
        )
    return created, updated


def _continued(
    by_key: Mapping[str, Alert],
    existing: Mapping[str, models.Alert],
    lineage: Lineage,
    as_of: datetime,
) -> tuple[dict[str, models.Alert], list[tuple[int, str]]]:
    """Stored alerts that findings continue under a new key, and those no finding continues.

    Returns:
        (new key -> the stored alert it continues: of several, the one raised first),
        and (pk, key now) of each stored alert not yet done with, raised by
        `as_of`, that no finding continues.
    """
    candidates: dict[str, list[tuple[datetime, int]]] = {}
    unfound: list[tuple[int, str]] = []
    held = models.Alert.objects.exclude(key__in=list(existing)).values_list(
        "pk", "key", "rule", "subject_ids", "status", "raised_at"
    )
    for pk, key, rule, subjects, status, raised in held.iterator(chunk_size=5_000):
        now_key = lineage.key(rule, subjects or ())
        if now_key != key and now_key in by_key and now_key not in existing:
            candidates.setdefault(now_key, []).append((raised, pk))
        elif status not in lifecycle.DONE and raised <= as_of:
            unfound.append((pk, now_key))
    chosen = {now_key: min(rows)[1] for now_key, rows in candidates.items()}
    for now_key, rows in candidates.items():
        unfound += [(pk, now_key) for _, pk in rows if pk != chosen[now_key]]
    rows_of = models.Alert.objects.select_for_update().in_bulk(list(chosen.values()))
    return {now_key: rows_of[pk] for now_key, pk in chosen.items()}, unfound


def _mark_unsupported(
    unfound: list[tuple[int, str]],
    written: Mapping[str, models.Alert],
    lineage: Lineage,
    entity_of: Mapping[MentionKey, str] | None,
    now: datetime,
    actor: Actor,
    what: str,
) -> int:
    """Marks alerts no finding continues as no longer supported, audited; returns how many.

    Status, owner and history stay: a person closes it with a reason (no further
    action, approved by a second person) or the rule fires on it again.
    """
    marked = 0
    rows = models.Alert.objects.select_for_update().in_bulk([pk for pk, _ in unfound])
    for pk, now_key in unfound:
        row = rows[pk]
        if row.status in lifecycle.DONE or row.unsupported_at is not None:
            continue
        if now_key in written and written[now_key].pk != row.pk:
            reason = (
                f"its subjects were merged by a re-link with those of {written[now_key].alert_id},"
                " which carries the evidence on"
            )
        elif _relinked(row, lineage, entity_of):
            reason = (
                "no longer supported by the linkage: the rule does not fire on its subjects"
                " as re-linked"
            )
        else:
            reason = (
                "no longer found by detection, its evidence linked as before"
                " (an action recorded, or the rule's settings changed)"
            )
        row.unsupported_at = now
        row.unsupported_reason = reason
        row.save(update_fields=["unsupported_at", "unsupported_reason"])
        marked += 1
        _audit_alert(row, actor, f"marked unsupported ({what}): {reason}")
    return marked


def _relinked(
    alert: models.Alert, lineage: Lineage, entity_of: Mapping[MentionKey, str] | None
) -> bool:
    """Whether a re-link moved the alert's subjects or its evidence to other entities."""
    subjects = list(alert.subject_ids or [])
    if lineage.subjects(subjects) != tuple(sorted(set(subjects))):
        return True
    if entity_of is None:
        return False
    named = set(lineage.subjects(alert.entity_ids or []))
    for mention in alert.mentions or []:
        now = entity_of.get((mention["record_id"], mention["ref"]))
        if now is not None and now not in named:
            return True
    return False


def alert_lineage(current: Collection[str], extra: Mapping[str, str] | None = None) -> Lineage:
    """Every entity id link runs retired, with its successor, followed to an id in `current`.

    Args:
        current: The entity ids of the linkage detection used.
        extra: More retirements, later than every link run's (a replay's own linkage).
    """
    from vigil.web.entities.models import EntityLineage

    moves = dict(EntityLineage.objects.order_by("pk").values_list("old_id", "new_id"))
    moves.update(extra or {})
    return Lineage(moves, current)


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
        try:
            lifecycle.check_transition(alert.status, to)
        except lifecycle.LifecycleError as error:
            raise AlertTransitionError(str(error)) from None
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
            objects=_alert_objects(alert),
            reason=f"{before} -> {to}: {reason}"[:200],
        )
    return alert


def alert_assign(
    *, alert: models.Alert, assignee: AbstractBaseUser, by: AbstractBaseUser
) -> models.Alert:
    """Gives an open (or assigned) alert an owner.

    An alert escalated for being unowned is dealt with once it has one.
    """
    fields: dict[str, object] = {"assigned_to": assignee}
    if alert.escalation_pending and alert.escalated_to == lifecycle.SUPERVISOR:
        fields.update(escalation_resolved_at=timezone.now(), escalation_resolved_by=by)
    return _transition(
        alert,
        user=by,
        allowed_from={Status.OPEN, Status.ASSIGNED},
        to=Status.ASSIGNED,
        event=Event.ALERT_TRANSITION,
        reason=f"assigned to user {assignee.pk}",
        fields=fields,
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
        fields={"action_note": note, "closed_at": timezone.now()},
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


def subject_dismissals(subject_ids: Iterable[str]) -> dict[str, int]:
    """How many approved no-further-action decisions each subject has had.

    A dismissal under an id a re-link retired counts for the entity that took
    its mentions (the lineage, followed back), so re-linking cannot reset the count.
    """
    from vigil.web.entities.models import EntityLineage

    owner = {s: s for s in subject_ids}
    frontier = set(owner)
    while frontier:
        moves = EntityLineage.objects.filter(new_id__in=sorted(frontier)).values_list(
            "old_id", "new_id"
        )
        frontier = set()
        for old, new in moves:
            if old not in owner:
                owner[old] = owner[new]
                frontier.add(old)
    counts: dict[str, int] = {}
    for entity_id in models.SubjectDismissal.objects.filter(entity_id__in=list(owner)).values_list(
        "entity_id", flat=True
    ):
        counts[owner[entity_id]] = counts.get(owner[entity_id], 0) + 1
    return counts


def senior_review_needed(
    alert: models.Alert, dismissals: Mapping[str, int] | None = None
) -> list[str]:
    """The alert's subjects dismissed often enough that only a senior reviewer may dismiss more.

    `dismissals` is `subject_dismissals` of its subjects, when the caller has it already.
    """
    subjects = list(alert.subject_ids or [])
    counts = subject_dismissals(subjects) if dismissals is None else dismissals
    return lifecycle.needs_senior_reviewer(subjects, counts, lifecycle_settings())


def alert_nfa_approve(*, alert: models.Alert, by: AbstractBaseUser) -> models.Alert:
    """Closes an alert on a proposed no-further-action decision: four eyes.

    The approver must not be the proposer, and must be a supervisor or senior
    reviewer more senior than the proposer; once a subject has been dismissed
    twice, only a senior reviewer may approve. Each subject's dismissal is
    counted; the one that reaches the limit escalates the alert to a senior reviewer.

    Raises:
        AlertTransitionError: When the approver may not approve it.
    """
    rules = lifecycle.load_lifecycle()
    proposer = alert.nfa_proposed_by
    refusal = lifecycle.may_approve_no_further_action(
        approver_role=_role(by),
        approver_is_proposer=alert.nfa_proposed_by_id == by.pk,
        proposer_role=_role(proposer) if proposer is not None else "",
        senior_review_needed=bool(senior_review_needed(alert)),
    )
    if refusal is not None:
        raise AlertTransitionError(refusal)
    now = timezone.now()
    with transaction.atomic():
        alert = _transition(
            alert,
            user=by,
            allowed_from={Status.NFA_PENDING},
            to=Status.CLOSED,
            event=Event.DECISION,
            reason="no further action approved",
            fields={"nfa_approved_by": by, "closed_at": now},
        )
        subjects = list(alert.subject_ids or [])
        models.SubjectDismissal.objects.bulk_create(
            models.SubjectDismissal(entity_id=s, alert=alert, approved_by_id=by.pk, approved_at=now)
            for s in subjects
        )
        reached = lifecycle.needs_senior_reviewer(subjects, subject_dismissals(subjects), rules)
        if reached and _role(by) != lifecycle.SENIOR_REVIEWER:
            times = rules.dismissals_before_senior_review
            _escalate(
                alert,
                to=lifecycle.SENIOR_REVIEWER,
                why=f"subject dismissed {times} or more times: {', '.join(reached)}",
                actor=web_actor(by),
                now=now,
            )
    return alert


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


def _escalate(alert: models.Alert, *, to: str, why: str, actor: Actor, now: datetime) -> None:
    """Marks an alert escalated to a role, audited."""
    alert.escalated_at = now
    alert.escalated_to = to
    alert.escalation_reason = why
    alert.escalation_resolved_at = None
    alert.escalation_resolved_by = None
    alert.save(
        update_fields=[
            "escalated_at",
            "escalated_to",
            "escalation_reason",
            "escalation_resolved_at",
            "escalation_resolved_by",
        ]
    )
    _audit_alert(alert, actor, f"escalated to {to}: {why}")


@dataclass(frozen=True, slots=True)
class EscalationRun:
    """What one `alerts_escalate` did."""

    now: datetime
    escalated: tuple[str, ...]  # alert ids


def alerts_escalate(*, now: datetime | None = None) -> EscalationRun:
    """Escalates to a supervisor every alert left open with no owner past its SLA.

    An alert already escalated and not yet dealt with is left as it is; one
    reopened since its last escalation was dealt with can escalate again.

    Args:
        now: The moment to measure the SLA to (the present by default).
    """
    moment = now or timezone.now()
    rules = lifecycle.load_lifecycle()
    escalated: list[str] = []
    actor = Actor.system("escalate")
    with transaction.atomic():
        candidates = models.Alert.objects.select_for_update().filter(
            status=Status.OPEN, assigned_to__isnull=True
        )
        for alert in candidates:
            if alert.escalation_pending:
                continue
            resolved = alert.escalation_resolved_at
            if resolved is not None and (alert.reopened_at is None or alert.reopened_at < resolved):
                continue  # dealt with, and nothing new since
            if not lifecycle.unowned_past_sla(
                status=alert.status,
                owned=False,
                open_since=alert.open_since,
                now=moment,
                settings=rules,
            ):
                continue
            days = (moment - alert.open_since).days
            _escalate(
                alert,
                to=lifecycle.SUPERVISOR,
                why=f"unowned for {days} days, past its {rules.unowned_sla_days}-day SLA",
                actor=actor,
                now=moment,
            )
            escalated.append(alert.alert_id)
    return EscalationRun(now=moment, escalated=tuple(escalated))


def alert_escalation_resolve(
    *, alert: models.Alert, by: AbstractBaseUser, note: str, reopen: bool = False
) -> models.Alert:
    """The person an alert was escalated to records that they have dealt with it.

    A senior reviewer may reopen a closed alert on a subject dismissed too often.

    Raises:
        AlertTransitionError: When it is not escalated, the note is empty, or the
            user is less senior than the role it went to.
    """
    if not alert.escalation_pending:
        raise AlertTransitionError("this alert is not waiting on an escalation")
    if not note.strip():
        raise AlertTransitionError("say how the escalation was dealt with")
    rank = lifecycle.SENIORITY.get(_role(by), 0)
    if rank < lifecycle.SENIORITY.get(alert.escalated_to, 99):
        raise AlertTransitionError(
            f"only a {alert.escalated_to.replace('_', ' ')} can deal with it"
        )
    now = timezone.now()
    fields: dict[str, object] = {"escalation_resolved_at": now, "escalation_resolved_by": by}
    if reopen:
        if alert.status not in lifecycle.DONE:
            raise AlertTransitionError("only a closed or actioned alert can be reopened")
        fields.update(
            reopened_at=now,
            reopen_reason=f"reopened by a {_role(by).replace('_', ' ')} on review",
            closed_at=None,
        )
        to = lifecycle.reopened_status(owned=alert.assigned_to_id is not None).value
    else:
        to = alert.status
    with transaction.atomic():
        alert = models.Alert.objects.select_for_update().get(pk=alert.pk)
        before = alert.status
        alert.status = to
        for name, value in fields.items():
            setattr(alert, name, value)
        alert.updated_at = now
        alert.save()
        audit_record(
            actor=web_actor(by),
            category=Category.ALTERATION,
            event=Event.DECISION,
            objects=_alert_objects(alert),
            reason=f"{before} -> {to}: escalation to {alert.escalated_to} dealt with"[:200],
        )
    return alert
