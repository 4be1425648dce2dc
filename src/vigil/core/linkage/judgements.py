"""Analysts' judgements, as constraints every later linking respects.

An analyst says two mentions (or two whole entities) are "same" or "not the
same". Linking never overrides them:

- "same" is a must-link: the mentions end in one entity, whatever the model
  scores. Judgements chain: same(a, b) and same(b, c) put a, b and c together.
- "not the same" is a cannot-link: no entity may hold mentions of both sides.
  It applies to the clustering itself (a cluster holding one side never
  absorbs a cluster holding the other), so the rest of each cluster forms as
  the evidence says rather than being cut apart afterwards. With chains it
  reaches further: same(a, b) and not-same(b, c) keep a and c apart too.

Judgements that contradict each other (same(a, b), same(b, c), not-same(a, c))
cannot all hold. The newest word wins: judgements are taken newest first and
one that contradicts those already taken is set aside and reported.

A judgement on whole entities names each side by the mentions the entity
held when it was made; "same" then joins all of them, "not the same" keeps
every one of one side apart from every one of the other.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import pyarrow as pa

from vigil.core.linkage.clusters import Clusters
from vigil.core.linkage.ids import MentionKey

SAME = "same"
NOT_SAME = "not_same"
VERDICTS = (SAME, NOT_SAME)
# The identifier scheme a cannot-link travels under (see `with_cannot_links`):
# two values of one scheme in one cluster are a contradiction.
_APART_SCHEME = "judged-apart"
# The match weight a must-link pair is given: above anything the model scores.
CERTAIN_WEIGHT = 1e6


@dataclass(frozen=True, slots=True)
class Judgement:
    """An analyst's word on two mentions, or on the mentions of two entities.

    Attributes:
        id: The stored judgement's id.
        verdict: "same" or "not_same".
        left: Mention keys of one side (one mention, or an entity's mentions).
        right: Mention keys of the other side.
        by: Who judged.
    """

    id: str
    verdict: str
    left: tuple[MentionKey, ...]
    right: tuple[MentionKey, ...]
    by: str = ""


@dataclass(frozen=True, slots=True)
class Conflict:
    """A judgement set aside because newer ones contradict it.

    Attributes:
        overruled: The older judgement, not applied.
        newer: Ids of the newer judgements it contradicts.
    """

    overruled: Judgement
    newer: tuple[str, ...]

    def describe(self) -> str:
        """One line for an analyst."""
        j = self.overruled
        return (
            f"judgement {j.id} ({j.verdict.replace('_', ' ')} by {j.by or 'unknown'}) "
            f"contradicts newer judgement(s) {', '.join(self.newer)} and is not applied"
        )


@dataclass(slots=True)
class Constraints:
    """What linking must respect, after conflicts are settled.

    Attributes:
        together: Groups of mention keys that must end in one entity.
        apart: Pairs of key sets no entity may hold members of both of.
        conflicts: Judgements set aside.
    """

    together: list[set[MentionKey]] = field(default_factory=list)
    apart: list[tuple[set[MentionKey], set[MentionKey]]] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.together or self.apart)


def constraints(judgements: Sequence[Judgement]) -> Constraints:
    """The must-link and cannot-link constraints judgements make, newest word winning.

    Args:
        judgements: Judgements, oldest first.

    Returns:
        Constraints with the transitive consequences of "same" worked out, and
        every judgement that could not be applied.
    """
    joined: Clusters[MentionKey] = Clusters()
    # Which accepted "same" judgements built each key's group, to name them in conflicts.
    same_taken: list[Judgement] = []
    apart_taken: list[Judgement] = []
    conflicts: list[Conflict] = []

    def violated(apart: Judgement, trial: Clusters[MentionKey]) -> bool:
        left = {trial.find(k) for k in apart.left}
        return any(trial.find(k) in left for k in apart.right)

    for judgement in reversed(judgements):
        if judgement.verdict == SAME:
            trial = _copy(joined)
            keys = [*judgement.left, *judgement.right]
            for key in keys[1:]:
                trial.join(keys[0], key)
            against = [a.id for a in apart_taken if violated(a, trial)]
            if against:
                conflicts.append(Conflict(judgement, tuple(against)))
                continue
            joined = trial
            same_taken.append(judgement)
        elif judgement.verdict == NOT_SAME:
            if violated(judgement, joined) or set(judgement.left) & set(judgement.right):
                sides = {joined.find(k) for k in (*judgement.left, *judgement.right)}
                against = [s.id for s in same_taken if any(joined.find(k) in sides for k in s.left)]
                conflicts.append(Conflict(judgement, tuple(against)))
                continue
            apart_taken.append(judgement)
        else:
            raise ValueError(f"unknown verdict {judgement.verdict!r}")
    together = [set(g) for g in joined.groups() if len(g) > 1]
    # A cannot-link reaches every mention joined to either side.
    group_of = {k: frozenset(g) for g in together for k in g}
    apart = [
        (
            {m for k in a.left for m in group_of.get(k, {k})},
            {m for k in a.right for m in group_of.get(k, {k})},
        )
        for a in apart_taken
    ]
    return Constraints(together=together, apart=apart, conflicts=list(reversed(conflicts)))


def _copy(clusters: Clusters[MentionKey]) -> Clusters[MentionKey]:
    copied: Clusters[MentionKey] = Clusters()
    for group in clusters.groups():
        for key in group:
            copied.join(group[0], key)
    return copied


@dataclass(frozen=True, slots=True)
class RowConstraints:
    """Constraints on the rows of one snapshot's mentions table.

    Attributes:
        together: Groups of rows that must be one entity.
        apart: Pairs of row sets no entity may hold members of both of.
    """

    together: list[list[int]]
    apart: list[tuple[list[int], list[int]]]

    def rows(self) -> set[int]:
        """Every row a constraint names."""
        found = {r for g in self.together for r in g}
        for left, right in self.apart:
            found.update(left)
            found.update(right)
        return found


def on_rows(found: Constraints, row_of: Mapping[MentionKey, int]) -> RowConstraints:
    """The constraints on a snapshot's rows; mentions it lacks are left out.

    Args:
        found: Constraints by mention key.
        row_of: Row number of each mention key in the snapshot.
    """

    def rows(keys: Iterable[MentionKey]) -> list[int]:
        return sorted(row_of[k] for k in keys if k in row_of)

    together = [g for g in (rows(t) for t in found.together) if len(g) > 1]
    apart = [(rows(a), rows(b)) for a, b in found.apart]
    return RowConstraints(together, [(a, b) for a, b in apart if a and b])


def with_cannot_links(features: pa.Table, found: RowConstraints) -> pa.Table:
    """Person features carrying the cannot-links as conflicting identifiers.

    Clustering refuses to join two clusters holding two values of one
    identifier scheme; each cannot-link becomes its own scheme, one value per
    side. Only clustering reads this table: the model never sees these values.

    Args:
        features: Person features keyed by `unique_id` (the mention's row).
        found: Constraints on rows.
    """
    extra: dict[int, list[str]] = defaultdict(list)
    for index, (left, right) in enumerate(found.apart):
        for side, rows in (("l", left), ("r", right)):
            for row in rows:
                extra[row].append(f"{_APART_SCHEME}-{index}:{side}")
    if not extra:
        return features
    ids = features.column("unique_id").to_pylist()
    current = features.column("identifiers").to_pylist()
    merged = [
        [*(values or ()), *extra[uid]] if uid in extra else values
        for uid, values in zip(ids, current, strict=True)
    ]
    index = features.schema.get_field_index("identifiers")
    return features.set_column(index, "identifiers", pa.array(merged, pa.list_(pa.string())))


def must_link_pairs(found: RowConstraints, rows: set[int], schema: pa.Schema) -> pa.Table:
    """Pairs, scored certain, joining each must-link group (rows of one type only).

    Args:
        found: Constraints on rows.
        rows: The rows being clustered (others are left out).
        schema: The schema of the scored pairs to add these to.
    """
    left: list[int] = []
    right: list[int] = []
    for group in found.together:
        members = [r for r in group if r in rows]
        left += members[:1] * (len(members) - 1)
        right += members[1:]
    certain = {"match_probability": 1.0, "match_weight": CERTAIN_WEIGHT}
    columns = {"unique_id_l": left, "unique_id_r": right}
    return pa.table(
        {
            f.name: pa.array(columns.get(f.name, [certain.get(f.name)] * len(left)), f.type)
            for f in schema
        },
        schema=schema,
    )


def enforce(
    clusters: Sequence[Sequence[int]],
    found: RowConstraints,
    unit_of: Callable[[int], Hashable] | None = None,
) -> list[list[int]]:
    """Clusters that honour every constraint: must-links merged, cannot-links split.

    A cluster holding both sides of a cannot-link is rebuilt from its units
    (mentions with one normalised identifier, or one must-link group), the
    largest first, each joining the first part it contradicts nothing in.
    Rows of a cannot-link never share a unit.

    Args:
        clusters: Clusters of rows, all of one entity type.
        found: Constraints on rows (rows not in any cluster are ignored).
        unit_of: A row's unit key (rows with one key stay together); each row
            is its own unit when not given.
    """
    present = {r for c in clusters for r in c}
    joined: Clusters[int] = Clusters()
    for cluster in clusters:
        for row in cluster:
            joined.join(cluster[0], row)
    for group in found.together:
        members = [r for r in group if r in present]
        for row in members[1:]:
            joined.join(members[0], row)
    apart = [(set(a) & present, set(b) & present) for a, b in found.apart if set(a) & present]
    apart = [(a, b) for a, b in apart if b]
    if not apart:
        return [sorted(g) for g in joined.groups()]
    side_of: dict[int, set[tuple[int, str]]] = defaultdict(set)
    for index, (a, b) in enumerate(apart):
        for row in a:
            side_of[row].add((index, "l"))
        for row in b:
            side_of[row].add((index, "r"))
    result: list[list[int]] = []
    for group in joined.groups():
        if not _violates(group, side_of):
            result.append(sorted(group))
            continue
        result += _split(group, found, side_of, unit_of)
    return result


def _violates(rows: Iterable[int], side_of: Mapping[int, set[tuple[int, str]]]) -> bool:
    seen: set[tuple[int, str]] = set()
    for row in rows:
        seen |= side_of.get(row, set())
    return any((index, "r") in seen for index, side in seen if side == "l")


def _split(
    group: Sequence[int],
    found: RowConstraints,
    side_of: Mapping[int, set[tuple[int, str]]],
    unit_of: Callable[[int], Hashable] | None,
) -> list[list[int]]:
    units: Clusters[Hashable] = Clusters()
    key_of: dict[int, Hashable] = {}
    for row in group:
        # A judged row whose identifier is shared (a cloned plate) is a unit of its own.
        key = ("row", row) if unit_of is None or row in side_of else ("unit", unit_of(row))
        key_of[row] = key
        units.add(key)
    members = set(group)
    for together in found.together:
        inside = [r for r in together if r in members]
        for row in inside[1:]:
            units.join(key_of[inside[0]], key_of[row])
    by_unit: dict[Hashable, list[int]] = defaultdict(list)
    for row in group:
        by_unit[units.find(key_of[row])].append(row)
    parts: list[list[int]] = []
    for unit in sorted(by_unit.values(), key=lambda rows: (-len(rows), min(rows))):
        for part in parts:
            if not _violates([*part, *unit], side_of):
                part += unit
                break
        else:
            parts.append(list(unit))
    return [sorted(p) for p in parts]
