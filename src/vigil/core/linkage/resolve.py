"""Resolving a snapshot: every mention to exactly one entity, with a stable id.

The order follows the evidence: identifier entities first (by rule), then
people by the model with what they are linked to, then people again with
whom they were mentioned alongside.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import pyarrow as pa

from vigil.core.linkage import collective, consistency, features, identifiers, persons
from vigil.core.linkage.ids import MentionKey, assign_ids
from vigil.core.normalise import names

MEMBERSHIP_SCHEMA = pa.schema(
    [
        ("record_id", pa.string()),
        ("ref", pa.string()),
        ("entity_id", pa.string()),
        ("type", pa.string()),
    ]
)
ENTITY_SCHEMA = pa.schema(
    [
        ("entity_id", pa.string()),
        ("type", pa.string()),
        ("display_name", pa.string()),
        ("mentions", pa.int64()),
    ]
)


@dataclass(frozen=True, slots=True)
class Resolution:
    """The outcome of linking a snapshot.

    Attributes:
        memberships: One row per mention: its entity (`MEMBERSHIP_SCHEMA`).
        entities: One row per entity (`ENTITY_SCHEMA`).
        person_method: "model" or "rule" (too few person mentions to train on).
    """

    memberships: pa.Table
    entities: pa.Table
    person_method: str


def resolve(
    mentions: pa.Table,
    links: pa.Table,
    *,
    previous: Mapping[MentionKey, str] | None = None,
    options: persons.PersonModelOptions | None = None,
) -> Resolution:
    """Resolves every mention of a snapshot.

    Args:
        mentions: A snapshot's mentions table.
        links: A snapshot's links table.
        previous: Mention key -> entity id from an earlier resolution, kept where
            membership persists.
        options: Person model options.

    Returns:
        The resolution.
    """
    options = options or persons.PersonModelOptions()
    groups = identifiers.identifier_groups(mentions)
    person_groups, method = _person_groups(mentions, links, groups, options)
    groups += person_groups
    resolved = {row for g in groups for row in g.rows}
    types = mentions.column("type").to_pylist()
    # Any other type the contract may one day allow still gets an entity.
    groups += [
        identifiers.Group(str(t), str(t), (row,))
        for row, t in enumerate(types)
        if row not in resolved
    ]
    return _resolution(mentions, groups, previous or {}, method)


def _person_groups(
    mentions: pa.Table,
    links: pa.Table,
    groups: Sequence[identifiers.Group],
    options: persons.PersonModelOptions,
) -> tuple[list[identifiers.Group], str]:
    table = features.person_features(features.person_rows(mentions))
    ids = table.column("unique_id").to_pylist()
    if len(ids) < persons.MIN_MENTIONS_FOR_MODEL:
        clusters, method = persons.rule_clusters(table), "rule"
    else:
        method = "model"
        linked: dict[str, dict[int, list[str]]] = {}
        if options.collective:
            rows = collective.mention_rows(mentions)
            linked = collective.linked_identifiers(links, rows, groups)
        table = collective.with_columns(table, linked)
        clusters = consistency.consistent_clusters(table, persons.predict_pairs(table, options))
        if options.collective:
            record_of = dict(zip(ids, table.column("record_id").to_pylist(), strict=True))
            together = collective.associates(record_of, clusters)
            linked["associates"] = together
            table = collective.with_columns(table, linked)
            clusters = consistency.consistent_clusters(
                table, persons.predict_pairs(table, options, clusters)
            )
    raw = mentions.column("name").to_pylist()
    return [
        identifiers.Group("person", _person_display(raw[r] for r in c), tuple(sorted(c)))
        for c in clusters
    ], method


def _person_display(written: Iterable[str | None]) -> str:
    """The name shown for a person: the most written full name, else the most written name."""
    counts: Counter[str] = Counter()
    for name in written:
        if name:
            counts[name] += 1
    if not counts:
        return "unnamed person"

    def rank(item: tuple[str, int]) -> tuple[bool, int, str]:
        value = names.parse(item[0])
        return (value is None or value.surname is None, -item[1], item[0])

    return min(counts.items(), key=rank)[0]


def _resolution(
    mentions: pa.Table,
    groups: Sequence[identifiers.Group],
    previous: Mapping[MentionKey, str],
    method: str,
) -> Resolution:
    record_ids = mentions.column("record_id").to_pylist()
    refs = mentions.column("ref").to_pylist()
    keyed = [(g.type, [(record_ids[r], refs[r]) for r in g.rows]) for g in groups]
    entity_ids = assign_ids(keyed, previous)
    membership: dict[str, list[str]] = defaultdict(list)
    for group, entity_id in zip(groups, entity_ids, strict=True):
        for row in group.rows:
            membership["record_id"].append(record_ids[row])
            membership["ref"].append(refs[row])
            membership["entity_id"].append(entity_id)
            membership["type"].append(group.type)
    order = sorted(range(len(groups)), key=lambda i: entity_ids[i])
    entities = pa.table(
        {
            "entity_id": [entity_ids[i] for i in order],
            "type": [groups[i].type for i in order],
            "display_name": [groups[i].display_name for i in order],
            "mentions": [len(groups[i].rows) for i in order],
        },
        schema=ENTITY_SCHEMA,
    )
    return Resolution(
        memberships=pa.table(membership, schema=MEMBERSHIP_SCHEMA)
        if membership
        else MEMBERSHIP_SCHEMA.empty_table(),
        entities=entities,
        person_method=method,
    )
