"""Reads for publication: what the store knows that must never be published."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from django.db.models import QuerySet

from vigil.core.normalise import names, phones, vehicles
from vigil.core.normalise.ages import age_on
from vigil.core.publish import KnownEntity
from vigil.web.entities.models import EntityMention
from vigil.web.publish.models import Report
from vigil.web.records.models import Mention, Record

_CHILD_AGE = 18
_FIELDS = {
    "names": ("name",),
    "vrms": ("vrm",),
    "phones": ("phone", "number"),
    "addresses": ("address",),
    "postcodes": ("postcode",),
    "dobs": ("dob",),
    "emails": ("email",),
}


def known_identifiers() -> list[KnownEntity]:
    """Every identifier in the current versions of all records, grouped by entity.

    Mentions are grouped by their resolved entity when the store has been
    linked; a mention not linked stands for itself, grouped with others of
    the same clean name, plate or number. A person is a child when any
    mention gives an age under 18 or a date of birth under 18 years before
    the record.

    Returns:
        The known entities, each with all its names, aliases, plates, phones,
        addresses, postcodes, dates of birth and emails.
    """
    entity_of = dict(
        EntityMention.objects.filter(mention__isnull=False).values_list(
            "mention_id", "entity__entity_id"
        )
    )
    current = Record.objects.values("current_version_id")
    bags: dict[str, dict[str, Any]] = defaultdict(lambda: defaultdict(set))
    rows = Mention.objects.filter(record_version_id__in=current).values(
        "id",
        "type",
        "name",
        "aliases",
        "dob",
        "age",
        "address",
        "postcode",
        "phone",
        "email",
        "vrm",
        "number",
        "org_type",
        "record_version__occurred_on",
    )
    for values in rows.iterator(chunk_size=5000):
        row: dict[str, Any] = dict(values)
        entity = entity_of.get(row["id"]) or _stand_in(row)
        bag = bags[entity]
        bag["type"].add(row["type"])
        for target, fields in _FIELDS.items():
            bag[target].update(str(row[f]) for f in fields if row[f])
        bag["names"].update(a for a in row["aliases"] or () if isinstance(a, str))
        if row["org_type"]:
            bag["org_type"].add(row["org_type"])
        if _is_child(row):
            bag["child"].add(True)
    return [
        KnownEntity(
            entity_id=entity,
            type=min(bag["type"]),
            category=("child" if bag["child"] else "adult") if "person" in bag["type"] else None,
            org_type=min(bag["org_type"]) if bag["org_type"] else None,
            **{target: tuple(sorted(bag[target])) for target in _FIELDS},
        )
        for entity, bag in bags.items()
    ]


def _stand_in(row: dict[str, Any]) -> str:
    """An id for an unlinked mention: its type and its clean value."""
    kind = row["type"]
    value: str | None = None
    if kind == "person" and row["name"]:
        value = names.clean(row["name"])
    elif kind == "vehicle" and row["vrm"]:
        value = vehicles.clean(row["vrm"])
    elif kind == "phone" and row["number"]:
        value = phones.clean(row["number"])
    return f"{kind}:{value or row['name'] or row['address'] or row['id']}"


def _is_child(row: dict[str, Any]) -> bool:
    if row["type"] != "person":
        return False
    if row["age"] is not None:
        return bool(row["age"] < _CHILD_AGE)
    on = row["record_version__occurred_on"]
    if row["dob"] and on and len(row["dob"]) >= 4 and len(on) >= 4:
        try:
            born, then = date.fromisoformat(row["dob"][:10]), date.fromisoformat(on[:10])
        except ValueError:
            return int(on[:4]) - int(row["dob"][:4]) < _CHILD_AGE
        return age_on(born, then) < _CHILD_AGE
    return False


def reports(*, status: str | None = None) -> QuerySet[Report]:
    """Reports, newest first, without their HTML, PDF or sealed key (the list needs none)."""
    found = Report.objects.defer("html", "pdf", "sealed_key").select_related(
        "author", "approver", "released_by"
    )
    return found.filter(status=status) if status else found


def report(*, report_id: int) -> Report | None:
    """One report, whole, or None."""
    return (
        Report.objects.select_related("author", "approver", "released_by")
        .filter(pk=report_id)
        .first()
    )


def report_body(html: str) -> str:
    """The inside of a report's <main>: our own escaped markup, to show within a page."""
    start, end = html.find("<main>"), html.rfind("</main>")
    return html[start + len("<main>") : end] if 0 <= start < end else ""
