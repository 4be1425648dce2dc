"""Changing the entities: linking the store, recording analysts' judgements."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from vigil.core.linkage import PersonModelOptions, resolve
from vigil.web.entities import models, selectors
from vigil.web.records.snapshot import snapshot_tables

WRITE_BATCH = 5_000


def entities_link(
    *, as_of: datetime | None = None, options: PersonModelOptions | None = None
) -> models.LinkRun:
    """Resolves every mention in the store and replaces the stored entities.

    Entities keep the ids they had where their membership persists.

    Args:
        as_of: Link only what was recorded on or before this moment.
        options: Person model options.

    Returns:
        The finished link run.
    """
    run = models.LinkRun.objects.create(started_at=timezone.now(), as_of=as_of)
    snapshot = snapshot_tables(as_of=as_of)
    resolution = resolve(
        snapshot.mentions,
        snapshot.links,
        previous=selectors.previous_assignment(),
        options=options,
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
        run.finished_at = timezone.now()
        run.person_method = resolution.person_method
        run.counts = {
            "mentions": resolution.memberships.num_rows,
            "entities": resolution.entities.num_rows,
        }
        run.save()
    return run


def judgement_record(
    *,
    left: tuple[str, str],
    right: tuple[str, str],
    verdict: str,
    by: str,
    rationale: str = "",
) -> models.Judgement:
    """Stores an analyst's judgement that two mentions are, or are not, one entity.

    Args:
        left: (record source id, ref) of one mention.
        right: (record source id, ref) of the other.
        verdict: "same" or "not_same".
        by: Who judged.
        rationale: Why.
    """
    if verdict not in models.Judgement.Verdict.values:
        raise ValueError(f"verdict must be one of {models.Judgement.Verdict.values}")
    return models.Judgement.objects.create(
        left_record_source_id=left[0],
        left_ref=left[1],
        right_record_source_id=right[0],
        right_ref=right[1],
        verdict=verdict,
        by=by,
        rationale=rationale,
        made_at=timezone.now(),
    )


def _batches(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), WRITE_BATCH):
        yield rows[start : start + WRITE_BATCH]
