"""Reading the entities."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import orjson
import pyarrow as pa
from django.db import connection
from django.db.models import F
from django.utils import timezone

from vigil.core.linkage.collective import MAX_PEOPLE_FOR_ASSOCIATES, with_columns
from vigil.core.linkage.explain import (
    PairExplanation,
    identifier_rule,
    path_between,
    scored_pairs,
)
from vigil.core.linkage.incremental import PersonModel
from vigil.core.linkage.inputs import MENTIONS_SCHEMA
from vigil.core.linkage.judgements import Judgement
from vigil.core.linkage.resolve import person_features
from vigil.web.entities import models
from vigil.web.records import models as records


def previous_assignment() -> dict[tuple[str, str], str]:
    """Each linked mention's entity id, by (record source id, ref)."""
    return {
        (record_id, ref): entity_id
        for record_id, ref, entity_id in models.EntityMention.objects.values_list(
            "record_source_id", "ref", "entity__entity_id"
        ).iterator(chunk_size=20_000)
    }


def linked_mention_rows() -> dict[tuple[str, str], int | None]:
    """The mention row (of the record version linked) of each linked mention."""
    return {
        (record_id, ref): mention_id
        for record_id, ref, mention_id in models.EntityMention.objects.values_list(
            "record_source_id", "ref", "mention_id"
        ).iterator(chunk_size=20_000)
    }


def person_mention_count(as_of: datetime | None = None) -> int:
    """How many person mentions the store holds (in records recorded by `as_of`)."""
    held = records.Mention.objects.filter(
        type="person", record_version__record__current_version=F("record_version")
    )
    if as_of is not None:
        held = held.filter(record_version__record__versions__recorded_at__lte=as_of).distinct()
    return held.count()


def last_link_run() -> models.LinkRun | None:
    """The latest finished link run."""
    return models.LinkRun.objects.filter(finished_at__isnull=False).order_by("-started_at").first()


def judgements_in_force() -> list[Judgement]:
    """Every stored judgement, oldest first, as linkage reads them."""
    found = []
    for row in models.Judgement.objects.order_by("made_at", "pk"):
        left = [tuple(k) for k in row.left_members] or [(row.left_record_source_id, row.left_ref)]
        right = [tuple(k) for k in row.right_members] or [
            (row.right_record_source_id, row.right_ref)
        ]
        found.append(
            Judgement(
                id=str(row.pk),
                verdict=row.verdict,
                left=tuple((str(a), str(b)) for a, b in left),
                right=tuple((str(a), str(b)) for a, b in right),
                by=row.by,
            )
        )
    return found


def judgement_rows() -> list[models.Judgement]:
    """Every stored judgement, newest first, for listing."""
    return list(models.Judgement.objects.order_by("-made_at", "-pk"))


def mention_types(keys: list[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """The type of each of these mentions in its record's current version (held ones only)."""
    found: dict[tuple[str, str], str] = {}
    for record_id, ref in keys:
        row = (
            records.Mention.objects.filter(
                record_version__record__source_id=record_id,
                record_version__record__current_version=F("record_version"),
                ref=ref,
            )
            .values_list("type", flat=True)
            .first()
        )
        if row is not None:
            found[(record_id, ref)] = row
    return found


def entity_member_keys(entity_id: str) -> tuple[tuple[str, str], ...]:
    """The mentions an entity holds, by (record source id, ref), in order."""
    return tuple(
        models.EntityMention.objects.filter(entity__entity_id=entity_id)
        .order_by("record_source_id", "ref")
        .values_list("record_source_id", "ref")
    )


def record_pk(source_id: str) -> str:
    """A record's stored key, for naming it where its source id will not do."""
    return str(records.Record.objects.values_list("pk", flat=True).get(source_id=source_id))


def entities_stale() -> bool:
    """Whether some current mention has no entity, or some membership no current mention."""
    mention = records.Mention._meta.db_table
    record = records.Record._meta.db_table
    membership = models.EntityMention._meta.db_table
    current = (
        f"SELECT r.source_id AS record_id, m.ref FROM {record} r "
        f"JOIN {mention} m ON m.record_version_id = r.current_version_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT EXISTS (SELECT 1 FROM ({current}) c LEFT JOIN {membership} e "
            f"ON e.record_source_id = c.record_id AND e.ref = c.ref WHERE e.id IS NULL) "
            f"OR (SELECT COUNT(*) FROM {membership}) <> (SELECT COUNT(*) FROM ({current}) c2)"
        )
        row = cursor.fetchone()
    if bool(row[0]):
        return True
    # A judgement made since the last link is not in the entities yet.
    last = last_link_run()
    return models.Judgement.objects.filter(
        made_at__gte=last.started_at if last else timezone.now()
    ).exists()


def entity_lines() -> Iterator[dict[str, Any]]:
    """Every entity with its mentions, in entity id order, for `vigil export entities`."""
    rows = (
        models.EntityMention.objects.order_by("entity__entity_id", "record_source_id", "ref")
        .values_list(
            "entity__entity_id", "entity__type", "entity__display_name", "record_source_id", "ref"
        )
        .iterator(chunk_size=20_000)
    )
    current: dict[str, Any] | None = None
    for entity_id, entity_type, display_name, record_id, ref in rows:
        if current is None or current["entity_id"] != entity_id:
            if current is not None:
                yield current
            current = {
                "entity_id": entity_id,
                "type": entity_type,
                "display_name": display_name,
                "mentions": [],
            }
        current["mentions"].append({"record_id": record_id, "ref": ref})
    if current is not None:
        yield current


def pair_explanation(*, left: tuple[str, str], right: tuple[str, str]) -> PairExplanation | None:
    """Why two mentions are, or are not, one entity, as the last link run saw them.

    People are scored with the person model that run kept (its comparison
    levels and match weights); when the two were joined only through others,
    `path` names the chain. Identifier entities are explained by their rule.

    Args:
        left: (record source id, ref) of one mention.
        right: (record source id, ref) of the other.

    Returns:
        The explanation, or None when either mention has not been linked.
    """
    linked = _memberships([left, right])
    if left not in linked or right not in linked:
        return None
    (left_entity, left_type), (right_entity, right_type) = linked[left], linked[right]
    same = left_entity == right_entity
    judged = _judgement_on(left, right)
    if left_type != right_type:
        return PairExplanation(
            left=left, right=right, same_entity=False, rule="different types", judgement=judged
        )
    table = mention_table([left, right])
    rows = {(r["record_id"], r["ref"]): r for r in table.to_pylist()}
    if left_type != "person":
        return PairExplanation(
            left=left,
            right=right,
            same_entity=same,
            rule=identifier_rule(left_type, rows.get(left, {}), rows.get(right, {})),
            judgement=judged,
        )
    run = last_link_run()
    model = PersonModel.from_json(run.person_model) if run else None
    if model is None:
        return PairExplanation(
            left=left,
            right=right,
            same_entity=same,
            rule="people linked by rule: same name keys, and birth evidence agreeing where "
            "both have some (too few people to train the model on)",
            judgement=judged,
        )
    features = _person_features(table)
    uid = {key: i for i, key in enumerate(_keys(features))}
    weight, probability, comparisons = scored_pairs(model, features, [(uid[left], uid[right])])[
        (uid[left], uid[right])
    ]
    path: list[tuple[str, str]] = []
    if same and probability < model.threshold:
        path = _path_within(model, left_entity, left, right)
    return PairExplanation(
        left=left,
        right=right,
        same_entity=same,
        match_weight=weight,
        probability=probability,
        comparisons=comparisons,
        path=path,
        judgement=judged,
    )


# An entity with more mentions than this is not searched for a chain (pairs grow as its square).
PATH_MENTIONS = 300


def _path_within(
    model: PersonModel, entity_id: str, left: tuple[str, str], right: tuple[str, str]
) -> list[tuple[str, str]]:
    members = list(entity_member_keys(entity_id)[:PATH_MENTIONS])
    for key in (left, right):
        if key not in members:
            members.append(key)
    features = _person_features(mention_table(members))
    keys = _keys(features)
    joined = [
        (keys[a], keys[b])
        for (a, b), (_, probability, _) in scored_pairs(
            model,
            features,
            [(a, b) for a in range(len(keys)) for b in range(a + 1, len(keys))],
        ).items()
        if probability >= model.threshold
    ]
    return path_between(keys, joined, left, right)


def _keys(features: pa.Table) -> list[tuple[str, str]]:
    return list(
        zip(
            features.column("record_id").to_pylist(),
            features.column("ref").to_pylist(),
            strict=True,
        )
    )


def _person_features(table: pa.Table) -> pa.Table:
    """Person features of some mentions, `unique_id` their row, with what they link to.

    Collective evidence is named by the entities of the last link run: only
    whether two mentions share one is compared, so any consistent name will do.
    """
    found = person_features(table)
    keys = _keys(found)
    records_of = {k[0] for k in keys}
    versions = dict(
        records.Record.objects.filter(source_id__in=records_of).values_list(
            "source_id", "current_version_id"
        )
    )
    others = records.Mention.objects.filter(record_version_id__in=versions.values()).values_list(
        "record_version__record__source_id", "ref", "type"
    )
    type_of = {(r, ref): t for r, ref, t in others}
    entity_of = {k: e for k, (e, _) in _memberships(list(type_of)).items()}
    near: dict[tuple[str, str], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for record_id, start, end in records.Link.objects.filter(
        record_version_id__in=versions.values()
    ).values_list("record_version__record__source_id", "from_ref", "to_ref"):
        for this, other in (
            ((record_id, start), (record_id, end)),
            ((record_id, end), (record_id, start)),
        ):
            column = _COLLECTIVE_OF_TYPE.get(type_of.get(other, ""))
            if column and type_of.get(this) == "person" and other in entity_of:
                near[this][column].add(entity_of[other])
    people: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for key, kind in type_of.items():
        if kind == "person":
            people[key[0]].append(key)
    for key in keys:
        together = people[key[0]]
        if 1 < len(together) <= MAX_PEOPLE_FOR_ASSOCIATES:
            near[key]["associates"] |= {
                entity_of[p] for p in together if p != key and p in entity_of
            }
    columns = {
        column: {i: sorted(near[key][column]) for i, key in enumerate(keys) if near[key][column]}
        for column in (*_COLLECTIVE_OF_TYPE.values(), "associates")
    }
    return with_columns(found, columns)


_COLLECTIVE_OF_TYPE = {"vehicle": "vehicles", "phone": "phones", "address": "addresses"}


def _memberships(keys: list[tuple[str, str]]) -> dict[tuple[str, str], tuple[str, str]]:
    """(entity id, type) of each of these mentions that is linked."""
    wanted = set(keys)
    return {
        (record_id, ref): (entity_id, entity_type)
        for record_id, ref, entity_id, entity_type in models.EntityMention.objects.filter(
            record_source_id__in={k[0] for k in wanted}
        ).values_list("record_source_id", "ref", "entity__entity_id", "entity__type")
        if (record_id, ref) in wanted
    }


def _judgement_on(left: tuple[str, str], right: tuple[str, str]) -> str | None:
    """The verdict of the newest judgement naming these two mentions on opposite sides."""
    for judgement in reversed(judgements_in_force()):
        sides = (set(judgement.left), set(judgement.right))
        if (left in sides[0] and right in sides[1]) or (left in sides[1] and right in sides[0]):
            return judgement.verdict
    return None


# Mention fields read for linkage and explanation, in snapshot shape.
_MENTION_FIELDS = (
    "ref",
    "id",
    "type",
    "role",
    "name",
    "aliases",
    "dob",
    "age",
    "gender",
    "address",
    "postcode",
    "phone",
    "email",
    "identifiers",
    "description",
    "vrm",
    "make",
    "model",
    "colour",
    "number",
    "org_type",
)


def mention_table(keys: list[tuple[str, str]]) -> pa.Table:
    """Some mentions (current versions) as a snapshot's mentions table.

    Ethnicity, nationality and religion are left empty: nothing reading this
    may use them.

    Args:
        keys: (record source id, ref) of each mention wanted.
    """
    wanted = set(keys)
    found: list[dict[str, Any]] = []
    for row in records.Mention.objects.filter(
        record_version__record__source_id__in={k[0] for k in wanted},
        record_version__record__current_version=F("record_version"),
    ).values(
        *_MENTION_FIELDS,
        "record_version__record__source_id",
        "record_version__agency",
        "record_version__kind",
        "record_version__recorded_at",
        "record_version__occurred_on",
        "record_version__occurred_from",
        "record_version__occurred_to",
    ):
        key = (row["record_version__record__source_id"], row["ref"])
        if key not in wanted:
            continue
        mention = {name: row[name] for name in _MENTION_FIELDS if name != "id"}
        mention.update(
            record_id=key[0],
            mention_id=row["id"],
            aliases=[str(a) for a in row["aliases"] or ()],
            identifiers=orjson.dumps(row["identifiers"], option=orjson.OPT_SORT_KEYS).decode()
            if row["identifiers"]
            else None,
            agency=row["record_version__agency"],
            kind=row["record_version__kind"],
            recorded_at=row["record_version__recorded_at"],
            occurred_on=row["record_version__occurred_on"],
            occurred_from=row["record_version__occurred_from"],
            occurred_to=row["record_version__occurred_to"],
        )
        found.append(mention)
    found.sort(key=lambda m: (m["record_id"], m["ref"]))
    return pa.Table.from_pylist(found, schema=MENTIONS_SCHEMA)
