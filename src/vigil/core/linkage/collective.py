"""Collective evidence: what a person mention is connected to, once that is resolved.

Plain attribute matching sees two records that each name "Mo" and nothing
more. Once vehicles, phones and addresses are resolved, "Mo drove YB02 KLM"
and "Mohammed, driver of YB02 KL?" share a vehicle; once people are
resolved a first time, two mentions seen with the same other people share
associates. Each becomes an array column the person model compares.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

import pyarrow as pa

from vigil.core.linkage.identifiers import Group

# Link targets by entity type -> the person feature column they feed.
_COLUMN_OF_TYPE = {"vehicle": "vehicles", "phone": "phones", "address": "addresses"}
# A record naming more people than this (meeting minutes, a school register)
# says little about who goes with whom.
MAX_PEOPLE_FOR_ASSOCIATES = 8


def mention_rows(mentions: pa.Table) -> dict[tuple[str, str], int]:
    """Row number of each (record_id, ref) in a snapshot's mentions table."""
    keys = zip(
        mentions.column("record_id").to_pylist(), mentions.column("ref").to_pylist(), strict=True
    )
    return {key: row for row, key in enumerate(keys)}


def linked_identifiers(
    links: pa.Table, rows: Mapping[tuple[str, str], int], groups: Sequence[Group]
) -> dict[str, dict[int, list[str]]]:
    """For each person mention, the resolved vehicles, phones and addresses it is linked to.

    Args:
        links: A snapshot's links table.
        rows: Row number of each (record_id, ref).
        groups: Resolved identifier entities.

    Returns:
        Column name -> person row -> entity keys (sorted, distinct).
    """
    group_of: dict[int, tuple[str, str]] = {}
    for index, group in enumerate(groups):
        if group.type in _COLUMN_OF_TYPE:
            for row in group.rows:
                group_of[row] = (_COLUMN_OF_TYPE[group.type], f"{group.type}:{index}")
    found: dict[str, dict[int, set[str]]] = {c: defaultdict(set) for c in _COLUMN_OF_TYPE.values()}
    for record_id, from_ref, to_ref in zip(
        links.column("record_id").to_pylist(),
        links.column("from_ref").to_pylist(),
        links.column("to_ref").to_pylist(),
        strict=True,
    ):
        start, end = rows.get((record_id, from_ref)), rows.get((record_id, to_ref))
        if start is None or end is None:
            continue
        for this, other in ((start, end), (end, start)):
            if other in group_of and this not in group_of:
                column, key = group_of[other]
                found[column][this].add(key)
    return {c: {row: sorted(keys) for row, keys in by_row.items()} for c, by_row in found.items()}


def associates(
    record_of: Mapping[int, str], clusters: Iterable[Sequence[int]]
) -> dict[int, list[str]]:
    """For each person mention, the (first-pass) people it is mentioned with.

    Args:
        record_of: Person row -> its record id.
        clusters: First-pass person clusters of rows.

    Returns:
        Person row -> cluster keys of the other people in its record.
    """
    cluster_of = {row: f"p:{min(c)}" for c in clusters for row in c}
    by_record: dict[str, list[int]] = defaultdict(list)
    for row, record_id in record_of.items():
        by_record[record_id].append(row)
    found: dict[int, list[str]] = {}
    for people in by_record.values():
        if not 1 < len(people) <= MAX_PEOPLE_FOR_ASSOCIATES:
            continue
        for row in people:
            own = cluster_of[row]
            others = sorted({cluster_of[p] for p in people if cluster_of[p] != own})
            if others:
                found[row] = others
    return found


def with_columns(features: pa.Table, columns: Mapping[str, Mapping[int, list[str]]]) -> pa.Table:
    """The features with array columns added (null where a mention has none).

    Args:
        features: Person features, keyed by `unique_id` (the mention's row).
        columns: Column name -> row -> values.
    """
    ids = features.column("unique_id").to_pylist()
    for name, by_row in columns.items():
        values = pa.array([by_row.get(i) for i in ids], pa.list_(pa.string()))
        index = features.schema.get_field_index(name)
        if index >= 0:
            features = features.set_column(index, name, values)
        else:
            features = features.append_column(name, values)
    return features
