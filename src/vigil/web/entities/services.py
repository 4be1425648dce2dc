"""Changing the entities: linking the store, recording analysts' judgements."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

import pyarrow as pa
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from vigil.core.audit import Actor, AuditEntryError, Category, Event, ObjectKind, ObjectRef
from vigil.core.detect.lineage import successors
from vigil.core.linkage import PersonModelOptions, resolve
from vigil.core.linkage.incremental import PersonModel, Previous
from vigil.core.linkage.judgements import NOT_SAME, SAME, Conflict
from vigil.web.audit.services import audit_record, web_actor
from vigil.web.entities import models, selectors
from vigil.web.records.snapshot import snapshot_tables

WRITE_BATCH = 5_000
# Once the person mentions held outgrow what the kept model was trained on
# this many times, it is trained again: parameters learnt on the first few
# hundred people are not the ones to link tens of thousands with.
RETRAIN_GROWTH = 2


def entities_link(
    *,
    as_of: datetime | None = None,
    options: PersonModelOptions | None = None,
    retrain: bool = False,
) -> models.LinkRun:
    """Resolves every mention in the store and replaces the stored entities.

    Entities keep the ids they had where their membership persists, and
    analysts' judgements always hold. When the last run kept its person model
    and saw no later records than this one will, only the new work is done
    with that model (see `vigil.core.linkage.incremental`); otherwise, or with
    `retrain`, the model is trained afresh on everything.

    Args:
        as_of: Link only what was recorded on or before this moment.
        options: Person model options.
        retrain: Train the person model afresh even when the last one could be reused.

    Returns:
        The finished link run (`counts` says what was done, and which
        judgements were set aside as contradicted by newer ones).
    """
    options = options or PersonModelOptions()
    last = selectors.last_link_run()
    since = None if retrain else _reusable(last, as_of, options)
    run = models.LinkRun.objects.create(
        started_at=timezone.now(), as_of=as_of, incremental=since is not None
    )
    snapshot = snapshot_tables(as_of=as_of)
    before = since.assignment if since else selectors.previous_assignment()
    resolution = resolve(
        snapshot.mentions,
        snapshot.links,
        previous=before,
        options=options,
        judged=selectors.judgements_in_force(),
        since=since,
    )
    mention_ids = dict(
        zip(
            zip(
                snapshot.mentions.column("record_id").to_pylist(),
                snapshot.mentions.column("ref").to_pylist(),
                strict=True,
            ),
            snapshot.mentions.column("mention_id").to_pylist(),
            strict=True,
        )
    )
    with transaction.atomic():
        models.EntityMention.objects.all().delete()
        models.Entity.objects.all().delete()
        pk_of: dict[str, int] = {}
        for batch in _batches(resolution.entities.to_pylist()):
            created = models.Entity.objects.bulk_create(
                [
                    models.Entity(
                        entity_id=e["entity_id"],
                        type=e["type"],
                        display_name=e["display_name"],
                        mention_count=e["mentions"],
                        link_run=run,
                    )
                    for e in batch
                ]
            )
            if any(e.pk is None for e in created):  # SQLite before RETURNING: read back
                created = list(
                    models.Entity.objects.filter(entity_id__in=[e["entity_id"] for e in batch])
                )
            pk_of.update((e.entity_id, e.pk) for e in created)
        for batch in _batches(resolution.memberships.to_pylist()):
            models.EntityMention.objects.bulk_create(
                [
                    models.EntityMention(
                        entity_id=pk_of[m["entity_id"]],
                        record_source_id=m["record_id"],
                        ref=m["ref"],
                        mention_id=mention_ids.get((m["record_id"], m["ref"])),
                    )
                    for m in batch
                ]
            )
        retired = _lineage_write(before, resolution.memberships, run)
        run.finished_at = timezone.now()
        run.person_method = resolution.person_method
        run.counts = {
            "mentions": resolution.memberships.num_rows,
            "entities": resolution.entities.num_rows,
            **resolution.work,
            "retired_ids": retired,
            "conflicts": [c.describe() for c in resolution.conflicts],
        }
        run.person_model = resolution.model.to_json() if resolution.model else None
        run.save()
    return run


def _lineage_write(
    before: Mapping[tuple[str, str], str], memberships: pa.Table, run: models.LinkRun
) -> int:
    """Records each entity id this run retired with its successor; returns how many.

    Alerts on a retired id continue under the successor (see `vigil.core.detect.lineage`).
    """
    after = dict(
        zip(
            zip(
                memberships.column("record_id").to_pylist(),
                memberships.column("ref").to_pylist(),
                strict=True,
            ),
            memberships.column("entity_id").to_pylist(),
            strict=True,
        )
    )
    moves = successors(before, after)
    rows = [
        models.EntityLineage(old_id=old, new_id=new, mentions=count, link_run=run)
        for old, (new, count) in sorted(moves.items())
    ]
    for start in range(0, len(rows), WRITE_BATCH):
        models.EntityLineage.objects.bulk_create(rows[start : start + WRITE_BATCH])
    return len(rows)


def _reusable(
    last: models.LinkRun | None, as_of: datetime | None, options: PersonModelOptions
) -> Previous | None:
    """What the last run left, when its model may link this run's records.

    A model trained on records later than this run's date would let the
    future into a replay, and one made at another threshold would link
    differently: either way the model is trained again.
    """
    if last is None or last.finished_at is None:
        return None
    model = PersonModel.from_json(last.person_model)
    if model is None or model.threshold != options.threshold:
        return None
    if as_of is not None and (last.as_of is None or last.as_of > as_of):
        return None
    if selectors.person_mention_count(as_of) > RETRAIN_GROWTH * model.trained_on:
        return None  # trained on too few of the people now held
    return Previous(
        assignment=selectors.previous_assignment(),
        linked_mentions=selectors.linked_mention_rows(),
        model=model,
    )


def judgement_record(
    *,
    left: tuple[str, str],
    right: tuple[str, str],
    verdict: str,
    by: AbstractBaseUser | str,
    rationale: str = "",
) -> models.Judgement:
    """Stores and audits an analyst's judgement that two mentions are, or are not, one entity.

    Later linking always respects it (see `vigil.core.linkage.judgements`).

    Args:
        left: (record source id, ref) of one mention.
        right: (record source id, ref) of the other.
        verdict: "same" or "not_same".
        by: Who judged: a signed-in user, or a name given at the command line.
        rationale: Why.

    Raises:
        JudgementError: When the verdict is unknown, a mention is not held, the
            two are one mention, or they are of different types.
    """
    _check_verdict(verdict)
    if left == right:
        raise JudgementError("a mention is always the same as itself")
    types = selectors.mention_types([left, right])
    for key in (left, right):
        if key not in types:
            raise JudgementError(f"no mention {key[0]}:{key[1]} is held")
    if types[left] != types[right]:
        raise JudgementError(
            f"{left[0]}:{left[1]} is a {types[left]} and {right[0]}:{right[1]} a {types[right]}"
        )
    return _judgement_store(
        scope=models.Judgement.Scope.MENTIONS,
        sides=((left,), (right,)),
        entity_ids=("", ""),
        verdict=verdict,
        by=by,
        rationale=rationale,
    )


def entity_judgement_record(
    *,
    left: str,
    right: str,
    verdict: str,
    by: AbstractBaseUser | str,
    rationale: str = "",
) -> models.Judgement:
    """Stores and audits an analyst's judgement on two whole entities.

    "same" joins every mention the two hold now; "not_same" keeps every
    mention of one apart from every mention of the other, in all later linking.

    Args:
        left: Entity id of one entity.
        right: Entity id of the other.
        verdict: "same" or "not_same".
        by: Who judged.
        rationale: Why.

    Raises:
        JudgementError: When the verdict is unknown, an entity is not held,
            the two are one entity, or they are of different types.
    """
    _check_verdict(verdict)
    if left == right:
        raise JudgementError("an entity is always the same as itself")
    entities = {e.entity_id: e for e in models.Entity.objects.filter(entity_id__in=[left, right])}
    for entity_id in (left, right):
        if entity_id not in entities:
            raise JudgementError(f"no entity {entity_id} is held")
    if entities[left].type != entities[right].type:
        raise JudgementError(
            f"{left} is a {entities[left].type} and {right} a {entities[right].type}"
        )
    return _judgement_store(
        scope=models.Judgement.Scope.ENTITIES,
        sides=(selectors.entity_member_keys(left), selectors.entity_member_keys(right)),
        entity_ids=(left, right),
        verdict=verdict,
        by=by,
        rationale=rationale,
    )


class JudgementError(ValueError):
    """A judgement that cannot be stored as given."""


def judgement_conflicts() -> list[Conflict]:
    """Stored judgements that newer ones contradict, and so are not applied."""
    from vigil.core.linkage.judgements import constraints

    return constraints(selectors.judgements_in_force()).conflicts


def _check_verdict(verdict: str) -> None:
    if verdict not in (SAME, NOT_SAME):
        raise JudgementError(f"verdict must be one of {SAME}, {NOT_SAME}")


# An entity judgement names at most this many mentions a side in the audit entry.
AUDIT_MENTIONS_PER_SIDE = 50


def _judgement_store(
    *,
    scope: str,
    sides: tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]],
    entity_ids: tuple[str, str],
    verdict: str,
    by: AbstractBaseUser | str,
    rationale: str,
) -> models.Judgement:
    left, right = sides
    with transaction.atomic():
        judgement = models.Judgement.objects.create(
            scope=scope,
            left_entity_id=entity_ids[0],
            right_entity_id=entity_ids[1],
            left_members=[list(k) for k in left],
            right_members=[list(k) for k in right],
            left_record_source_id=left[0][0],
            left_ref=left[0][1],
            right_record_source_id=right[0][0],
            right_ref=right[0][1],
            verdict=verdict,
            by=by if isinstance(by, str) else by.get_username(),
            rationale=rationale,
            made_at=timezone.now(),
        )
        objects = [ObjectRef(ObjectKind.JUDGEMENT, str(judgement.pk))]
        objects += [ObjectRef(ObjectKind.ENTITY, e) for e in entity_ids if e]
        for side in (left, right):
            objects += [_mention_ref(k) for k in side[:AUDIT_MENTIONS_PER_SIDE]]
        what = "the same" if verdict == SAME else "not the same"
        audit_record(
            actor=_actor(by),
            # Saying two are one combines their records; saying they are not alters a linkage.
            category=Category.COMBINATION if verdict == SAME else Category.ALTERATION,
            event=Event.JUDGEMENT,
            objects=objects,
            reason=f"{scope} judged {what}",
        )
    return judgement


def _mention_ref(key: tuple[str, str]) -> ObjectRef:
    """A mention named by its record id and ref (`record/ref`)."""
    try:
        return ObjectRef(ObjectKind.RECORD, f"{key[0]}/{key[1]}")
    except AuditEntryError:
        # Not an id the log accepts (spaces, say): the record alone, by its stored key.
        return ObjectRef(ObjectKind.RECORD, selectors.record_pk(key[0]))


def _actor(by: AbstractBaseUser | str) -> Actor:
    if not isinstance(by, str):
        return web_actor(by)
    try:
        return Actor.system("judge", on_behalf_of=by)
    except AuditEntryError:
        return Actor.system("judge")


def _batches(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), WRITE_BATCH):
        yield rows[start : start + WRITE_BATCH]
