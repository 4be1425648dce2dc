"""The audit log as stored: entries and signed tree heads, appended, never changed.

The columns hold exactly the text that was hashed (times as fixed-width UTC
text, object references joined by spaces), so both databases give back the
same bytes and verification can recompute every hash from the row alone.
"""

from __future__ import annotations

from django.db import models


class AuditEntry(models.Model):
    """One audited event; `sequence` is its leaf index in the Merkle tree, from 0."""

    sequence = models.BigIntegerField(unique=True)
    at = models.CharField(max_length=27)
    actor_kind = models.CharField(max_length=8)
    actor_id = models.CharField(max_length=128)
    actor_agency = models.CharField(max_length=128, blank=True)
    category = models.CharField(max_length=16, null=True)  # DPA 2018 s.62; null: not one
    event = models.CharField(max_length=32)
    object_refs = models.TextField(blank=True)  # "kind:id kind:id", space-separated
    reason = models.CharField(max_length=200, blank=True)
    prev_hash = models.CharField(max_length=64)
    leaf_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ("sequence",)
        indexes = (
            models.Index(fields=("actor_id", "at")),
            # A user's latest sign-ins (the home page's "since you last signed in")
            # without reading every entry they have made.
            models.Index(fields=("actor_id", "event", "sequence"), name="audit_actor_event"),
        )


class SignedTreeHead(models.Model):
    """The root over the first `tree_size` entries, signed with the audit key."""

    tree_size = models.BigIntegerField()
    root = models.CharField(max_length=64)
    signed_at = models.CharField(max_length=27)
    key_id = models.CharField(max_length=64)
    signature = models.CharField(max_length=128)

    class Meta:
        ordering = ("tree_size", "id")


class AuditObject(models.Model):
    """An object an entry names ("kind:id"), so an object's history is an index lookup.

    Derived from `AuditEntry.object_refs` as each entry is appended; the entry
    itself, its hash and the tree are untouched, and pages read the entry.
    Entries are named by sequence, not by a foreign key: the index must never stop
    a row of the log being changed or removed, which verification is there to catch.
    """

    sequence = models.BigIntegerField()
    ref = models.CharField(max_length=300)

    class Meta:
        indexes = (models.Index(fields=("ref", "sequence"), name="audit_object_ref"),)
