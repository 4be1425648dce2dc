"""Resolving a snapshot: every mention to exactly one entity, with a stable id.

The order follows the evidence: identifier entities first (by rule), then
people by the model with what they are linked to, then people again with
whom they were mentioned alongside. Analysts' judgements bind every step
(see `judgements`). Given what the last run left, only the new work is done
(see `incremental`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import pyarrow as pa

from vigil.core.linkage import (
    collective,
    consistency,
    engines,
    features,
    fragments,
    identifiers,
    incremental,
    judgements,
    persons,
)
from vigil.core.linkage.ids import MentionKey, assign_ids
from vigil.core.normalise import names, phones, vehicles

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
        model: The trained person model, kept for explanations and the next run.
        conflicts: Judgements not applied because newer ones contradict them.
        work: What was done: `compared` person mentions scored against others,
            `reclustered` person mentions clustered again (all of them on a full link).
    """

    memberships: pa.Table
    entities: pa.Table
    person_method: str
    model: incremental.PersonModel | None = None
    conflicts: tuple[judgements.Conflict, ...] = ()
    work: Mapping[str, int] = field(default_factory=dict)


def resolve(
    mentions: pa.Table,
    links: pa.Table,
    *,
    previous: Mapping[MentionKey, str] | None = None,
    options: persons.PersonModelOptions | None = None,
    judged: Sequence[judgements.Judgement] = (),
    since: incremental.Previous | None = None,
    model: incremental.PersonModel | None = None,
) -> Resolution:
    """Resolves every mention of a snapshot.

    Args:
        mentions: A snapshot's mentions table.
        links: A snapshot's links table.
        previous: Mention key -> entity id from an earlier resolution, kept where
            membership persists (taken from `since` when that is given).
        options: Person model options.
        judged: Analysts' judgements, oldest first; always respected.
        since: What the last run left: given with a kept model, people are
            linked incrementally (new mentions only, affected clusters only).
        model: A kept person model, for a full link without `since`: every
            mention is blocked, scored and clustered as a full link does, with
            this model's parameters instead of training new ones.

    Returns:
        The resolution.
    """
    options = options or persons.PersonModelOptions()
    found = judgements.constraints(judged)
    on_rows = (
        judgements.on_rows(found, collective.mention_rows(mentions))
        if found
        else judgements.RowConstraints([], [])
    )
    with engines.step("identifier entities"):
        groups = _judged_identifier_groups(
            mentions, identifiers.identifier_groups(mentions), on_rows
        )
    if since is not None and since.model is not None:
        previous = since.assignment
        person = _incremental_person_groups(
            mentions, links, groups, on_rows, since, since.model, options
        )
    else:
        person = _person_groups(mentions, links, groups, options, on_rows, model)
    groups += person.groups
    resolved = {row for g in groups for row in g.rows}
    types = mentions.column("type").to_pylist()
    # Any other type the contract may one day allow still gets an entity.
    groups += [
        identifiers.Group(str(t), str(t), (row,))
        for row, t in enumerate(types)
        if row not in resolved
    ]
    with engines.step("entities and ids"):
        resolution = _resolution(mentions, groups, previous or {}, person.method)
    return Resolution(
        memberships=resolution.memberships,
        entities=resolution.entities,
        person_method=person.method,
        model=person.model,
        conflicts=tuple(found.conflicts),
        work=person.work,
    )


def person_features(mentions: pa.Table) -> pa.Table:
    """The linkage features of a mentions table's people, `unique_id` being the row."""
    return features.person_features(features.person_rows(mentions))


def _registered(
    mentions: pa.Table, table: pa.Table, options: persons.PersonModelOptions
) -> pa.Table:
    """The features with each mention's agency as its deduplicated register, when agencies are."""
    if not options.deduplicated_agencies:
        return table
    agency = mentions.column("agency").take(table.column("unique_id"))
    return table.append_column(consistency.SOURCE, agency)


@dataclass(frozen=True, slots=True)
class _People:
    groups: list[identifiers.Group]
    method: str
    model: incremental.PersonModel | None
    work: dict[str, int]


def _person_groups(
    mentions: pa.Table,
    links: pa.Table,
    groups: Sequence[identifiers.Group],
    options: persons.PersonModelOptions,
    judged: judgements.RowConstraints,
    kept: incremental.PersonModel | None = None,
) -> _People:
    with engines.step("person features"):
        table = _registered(mentions, person_features(mentions), options)
    ids = table.column("unique_id").to_pylist()
    model = None
    trained = None if kept is None else kept.settings
    if len(ids) < persons.MIN_MENTIONS_FOR_MODEL:
        clusters, method = judgements.enforce(persons.rule_clusters(table), judged), "rule"
    else:
        method = "model"
        linked: dict[str, dict[int, list[str]]] = {}
        with engines.step("linked identifiers"):
            if options.collective:
                rows = collective.mention_rows(mentions)
                linked = collective.linked_identifiers(links, rows, groups)
            table = collective.with_columns(table, linked)
        if kept is not None:
            # Every column the kept model compares (its collective ones null where absent).
            table = incremental.aligned(table, kept)
        people = None
        with incremental.recording_models() as made:
            pairs = persons.predict_pairs(table, options, trained=trained)
            with engines.step("clustering"):
                clusters = _clustered(table, pairs, judged)
            if options.collective:
                with engines.step("associates"):
                    record_of = dict(zip(ids, table.column("record_id").to_pylist(), strict=True))
                    together = collective.associates(record_of, clusters)
                    linked["associates"] = together
                    table = collective.with_columns(table, linked)
                people = clusters
                pairs = persons.predict_pairs(table, options, people, trained=trained)
                with engines.step("clustering again"):
                    clusters = _clustered(table, pairs, judged)
        with engines.step("fragments"):
            clusters = _placed(table, clusters, judged)
        if kept is None:
            model = incremental.captured_model(made, options.threshold, len(ids))
        else:
            # The kept parameters, with the name frequencies this link weighed by.
            weighed = {
                c: persons.person_term_frequencies(table, people, c) for c in persons.TF_COLUMNS
            }
            model = incremental.PersonModel(
                settings=kept.settings,
                term_frequencies=incremental.shares(weighed),
                threshold=options.threshold,
                trained_on=kept.trained_on,
            )
    with engines.step("person names shown"):
        shown = _person_display_groups(mentions, clusters)
    return _People(shown, method, model, {"compared": len(ids), "reclustered": len(ids)})


def _clustered(
    table: pa.Table, pairs: pa.Table, judged: judgements.RowConstraints
) -> list[list[int]]:
    """Consistent clusters of person rows under the analysts' constraints."""
    if not judged.together and not judged.apart:
        return consistency.consistent_clusters(table, pairs)
    rows = set(table.column("unique_id").to_pylist())
    pairs = pa.concat_tables([pairs, judgements.must_link_pairs(judged, rows, pairs.schema)])
    clusters = consistency.consistent_clusters(judgements.with_cannot_links(table, judged), pairs)
    return judgements.enforce(clusters, judged)


def _placed(
    table: pa.Table, clusters: list[list[int]], judged: judgements.RowConstraints
) -> list[list[int]]:
    """The clusters with fragments joined to the one person each can only be (`fragments`).

    Who a mention is named with is read from these clusters, as resolved now,
    so a full and an incremental link place fragments on the same evidence.
    """
    if "associates" in table.column_names:
        ids = table.column("unique_id").to_pylist()
        record_of = dict(zip(ids, table.column("record_id").to_pylist(), strict=True))
        together = collective.associates(record_of, clusters)
        table = collective.with_columns(table, {"associates": together})
    placed = fragments.joined(judgements.with_cannot_links(table, judged), clusters)
    return judgements.enforce(placed, judged)


def _incremental_person_groups(
    mentions: pa.Table,
    links: pa.Table,
    groups: Sequence[identifiers.Group],
    judged: judgements.RowConstraints,
    since: incremental.Previous,
    model: incremental.PersonModel,
    options: persons.PersonModelOptions,
) -> _People:
    """People linked by the kept model, scoring and clustering only what the new mentions touch.

    A mention is new when the last run did not link it or its record has a
    new version since. The previous people a new mention scores above the
    threshold against, those that lost or changed a mention, and those an
    analyst's judgement names are clustered again with the new mentions;
    every other person stays as they were.
    """
    table = _registered(mentions, person_features(mentions), options)
    ids = table.column("unique_id").to_pylist()
    record_ids = mentions.column("record_id").to_pylist()
    refs = mentions.column("ref").to_pylist()
    mention_ids = mentions.column("mention_id").to_pylist()
    entity_of: dict[int, str] = {}
    new: list[int] = []
    current: set[MentionKey] = set()
    for row in ids:
        key = (record_ids[row], refs[row])
        current.add(key)
        old = since.assignment.get(key)
        linked_row = since.linked_mentions.get(key)
        edited = (
            linked_row is not None
            and mention_ids[row] is not None
            and (linked_row != mention_ids[row])
        )
        if old is None or not old.startswith("person-") or edited:
            new.append(row)
        else:
            entity_of[row] = old
    affected: set[str] = set()
    for key, entity_id in since.assignment.items():
        if entity_id.startswith("person-") and key not in current:
            affected.add(entity_id)  # lost a mention
    for row in new:
        old = since.assignment.get((record_ids[row], refs[row]))
        if old is not None:
            affected.add(old)  # a mention changed
    affected |= {entity_of[r] for r in judged.rows() if r in entity_of}
    before: dict[str, list[int]] = defaultdict(list)
    for row, entity_id in entity_of.items():
        before[entity_id].append(row)
    # Collective evidence as the full link gives it: resolved identifiers,
    # and the people (as last resolved) each mention is named with.
    rows_of = collective.mention_rows(mentions)
    linked = collective.linked_identifiers(links, rows_of, groups)
    record_of = dict(zip(ids, table.column("record_id").to_pylist(), strict=True))
    linked["associates"] = collective.associates(record_of, [*before.values(), *([r] for r in new)])
    table = collective.with_columns(table, linked)
    if new:
        pairs = incremental.score_new(table, new, model)
        for left, right in zip(
            pairs.column("unique_id_l").to_pylist(),
            pairs.column("unique_id_r").to_pylist(),
            strict=True,
        ):
            for row in (left, right):
                if row in entity_of:
                    affected.add(entity_of[row])
    again = set(new) | {r for e in affected for r in before.get(e, ())}
    kept = [rows for e, rows in before.items() if e not in affected]
    subset = table.filter(pa.array([u in again for u in ids]))
    redone: list[list[int]] = []
    if subset.num_rows:
        redone = _clustered(subset, incremental.score_within(subset, model), judged)
    # Fragments are placed among everyone, as a full link places them.
    clusters = _placed(table, [*kept, *redone], judged)
    return _People(
        _person_display_groups(mentions, clusters),
        "model",
        model,
        {"compared": len(new), "reclustered": len(again)},
    )


def _person_display_groups(
    mentions: pa.Table, clusters: Iterable[Sequence[int]]
) -> list[identifiers.Group]:
    raw = mentions.column("name").to_pylist()
    return [
        identifiers.Group("person", _person_display(raw[r] for r in c), tuple(sorted(c)))
        for c in clusters
    ]


def _judged_identifier_groups(
    mentions: pa.Table,
    groups: Sequence[identifiers.Group],
    judged: judgements.RowConstraints,
) -> list[identifiers.Group]:
    """Identifier entities with the analysts' judgements applied.

    A group split by a "not the same" is rebuilt from its mentions sharing
    one normalised identifier, so a partial plate judged apart from a full
    one leaves the full plate's other mentions where they were.
    """
    touched = judged.rows()
    if not touched:
        return list(groups)
    result: list[identifiers.Group] = []
    by_type: dict[str, list[identifiers.Group]] = defaultdict(list)
    for group in groups:
        by_type[group.type].append(group)
    for entity_type, typed in by_type.items():
        if not touched & {r for g in typed for r in g.rows}:
            result += typed
            continue
        display_of = {r: g.display_name for g in typed for r in g.rows}
        size_of = {r: len(g.rows) for g in typed for r in g.rows}
        clusters = judgements.enforce(
            [g.rows for g in typed], judged, lambda row: _identifier_unit(mentions, row)
        )
        for rows in clusters:
            shown = max(rows, key=lambda r: (size_of[r], -r))
            result.append(identifiers.Group(entity_type, display_of[shown], tuple(rows)))
    return result


def _identifier_unit(mentions: pa.Table, row: int) -> str:
    """A mention's own normalised identifier, the smallest part a judgement splits a group into."""
    mention = mentions.slice(row, 1).to_pylist()[0]
    kind = mention["type"]
    value: str | None = None
    if kind == "vehicle" and mention["vrm"]:
        value = vehicles.clean(mention["vrm"])
    elif kind == "phone" and mention["number"]:
        value = phones.clean(mention["number"])
    elif kind == "address":
        value = features.address_key(mention["address"]) or (
            features.postcode_keys(mention["postcode"]).unit
        )
    elif kind == "organisation":
        name = identifiers.organisation_name_key(mention["name"])
        value = f"{mention['org_type'] or ''}|{name}" if name else None
    return f"{kind}:{value}" if value else f"row:{row}"


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
