"""Entities as the latest linkage resolved them, and analysts' judgements on mentions.

Memberships name a mention by its record's source id and ref, which survive
a record's new version; the mention row of the version linked is kept too.
"""

from __future__ import annotations

from django.db import models

from vigil.web.records.models import Mention


class LinkRun(models.Model):
    """One run of `vigil link`: when, on what, and how it went."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True)
    as_of = models.DateTimeField(null=True)
    person_method = models.CharField(max_length=16, blank=True)
    counts = models.JSONField(default=dict)
    # Whether only the new work was done (see vigil.core.linkage.incremental).
    incremental = models.BooleanField(default=False)
    # The trained person model (Splink JSON and name frequencies), so an
    # explanation scores a pair exactly as this run did, and the next run
    # can reuse it.
    person_model = models.JSONField(null=True)


class Entity(models.Model):
    """A person, vehicle, phone, address or organisation, under a stable id."""

    entity_id = models.CharField(max_length=64, unique=True)
    type = models.CharField(max_length=16, db_index=True)
    display_name = models.TextField()
    mention_count = models.PositiveIntegerField(default=0)
    link_run = models.ForeignKey(LinkRun, on_delete=models.PROTECT, related_name="+")


class EntityMention(models.Model):
    """One mention's membership of one entity."""

    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="memberships")
    record_source_id = models.CharField(max_length=200)
    ref = models.CharField(max_length=100)
    mention = models.ForeignKey(Mention, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=("record_source_id", "ref"), name="entity_mention_unique"
            ),
        )


class Judgement(models.Model):
    """An analyst's word that two mentions, or two entities, are or are not the same.

    On entities, each side is named by the entity id and the mentions it held
    when judged (`left_members`, `right_members`: lists of [record id, ref]);
    the first of them is also kept in the mention fields.
    """

    class Verdict(models.TextChoices):
        SAME = "same"
        NOT_SAME = "not_same"

    class Scope(models.TextChoices):
        MENTIONS = "mentions"
        ENTITIES = "entities"

    scope = models.CharField(max_length=16, choices=Scope.choices, default=Scope.MENTIONS)
    left_entity_id = models.CharField(max_length=64, blank=True)
    right_entity_id = models.CharField(max_length=64, blank=True)
    left_members = models.JSONField(default=list)
    right_members = models.JSONField(default=list)
    left_record_source_id = models.CharField(max_length=200)
    left_ref = models.CharField(max_length=100)
    right_record_source_id = models.CharField(max_length=200)
    right_ref = models.CharField(max_length=100)
    verdict = models.CharField(max_length=16, choices=Verdict.choices)
    by = models.CharField(max_length=200)
    rationale = models.TextField(blank=True)
    made_at = models.DateTimeField()


class EntityLineage(models.Model):
    """An entity id a link run retired, and the entity that took most of its mentions.

    A re-link that merges two people keeps one id; one that splits a person may
    leave the old id to neither part. Alerts keyed by the retired id follow
    these rows to the entity that now holds what it held
    (`vigil.core.detect.lineage`). Never deleted: a chain of re-links is
    followed row by row, the latest run's word on an id winning.
    """

    old_id = models.CharField(max_length=64, db_index=True)
    new_id = models.CharField(max_length=64, db_index=True)
    mentions = models.PositiveIntegerField()  # how many of its mentions the successor took
    link_run = models.ForeignKey(LinkRun, on_delete=models.PROTECT, related_name="+")
