"""Identifier entities: vehicles, phones, addresses and organisations.

These resolve by rule, not by a model, because their identifiers are
designed to be unique: one registration is one vehicle, one number one
phone. The hard cases are partial values, which join a full one only when
exactly one known value fits them; otherwise they are left apart, since a
wrong join hides two vehicles behind one.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from unidecode import unidecode

from vigil.core.linkage.clusters import Clusters
from vigil.core.linkage.features import address_key, postcode_keys
from vigil.core.normalise import phones, vehicles

IDENTIFIER_TYPES = ("vehicle", "phone", "address", "organisation")

_NOT_WORD = re.compile(r"[^a-z0-9]+")
# Words that change how a firm is written, not which firm it is.
_ORG_NOISE = frozenset({"the", "ltd", "limited", "plc", "llp", "co", "company", "and"})


@dataclass(frozen=True, slots=True)
class Group:
    """Mentions resolved to one entity, before it has an id.

    Attributes:
        type: The entity type (person, vehicle, phone, address, organisation).
        display_name: How the entity is shown.
        rows: Row numbers of its mentions in the snapshot's mentions table.
    """

    type: str
    display_name: str
    rows: tuple[int, ...]


def identifier_groups(mentions: pa.Table) -> list[Group]:
    """Resolves every vehicle, phone, address and organisation mention.

    Args:
        mentions: A snapshot's mentions table.

    Returns:
        One group per entity; every such mention is in exactly one.
    """
    by_type: dict[str, list[tuple[int, dict[str, Any]]]] = defaultdict(list)
    columns = ["type", "name", "vrm", "number", "address", "postcode", "org_type"]
    # Only identifier mentions become Python rows: most mentions are people.
    wanted = pc.indices_nonzero(
        pc.fill_null(pc.is_in(mentions.column("type"), pa.array(IDENTIFIER_TYPES)), False)
    )
    rows = wanted.to_pylist()
    start = 0
    for batch in mentions.select(columns).take(wanted).to_batches(50_000):
        for row_number, row in zip(
            rows[start : start + batch.num_rows], batch.to_pylist(), strict=True
        ):
            by_type[row["type"]].append((row_number, row))
        start += batch.num_rows
    return [
        *vehicle_groups(by_type["vehicle"]),
        *_keyed_groups("phone", by_type["phone"], _phone_key, _phone_display),
        *_keyed_groups("address", by_type["address"], _address_key, _address_display),
        *organisation_groups(by_type["organisation"]),
    ]


def vehicle_groups(rows: Iterable[tuple[int, Mapping[str, Any]]]) -> list[Group]:
    """Vehicles by registration; a partial plate joins a full one only when exactly one fits.

    A partial plate that no known full plate fits joins the same partial
    plate written elsewhere (nothing else could it be); one that several fit
    stays on its own.

    Args:
        rows: (row number, mention) of vehicle mentions.
    """
    clusters: Clusters[str] = Clusters()
    plate_of: dict[int, str] = {}
    rows_of: dict[str, list[int]] = defaultdict(list)
    written: dict[str, Counter[str]] = defaultdict(Counter)
    for row, mention in rows:
        plate = vehicles.clean(mention["vrm"]) if mention.get("vrm") else None
        key = f"plate:{plate}" if plate else f"row:{row}"
        plate_of[row] = key
        clusters.add(key)
        if plate:
            written[key][plate] += 1
            rows_of[key].append(row)
    full = sorted(
        {k[6:] for k in written if not vehicles.is_partial(k[6:])},
    )
    index = _plate_index(full)
    for key in sorted(k for k in written if vehicles.is_partial(k[6:])):
        fits = partial_plate_matches(key[6:], full, index)
        if len(fits) == 1:
            clusters.join(f"plate:{fits[0]}", key)
        elif len(fits) > 1:
            # Ambiguous: each mention of this partial plate stays apart.
            for row in rows_of[key]:
                plate_of[row] = f"row:{row}"
                clusters.add(plate_of[row])
    members: dict[str, list[int]] = defaultdict(list)
    for row, key in plate_of.items():
        members[clusters.find(key)].append(row)
    groups = []
    for root, group_rows in members.items():
        plate = root[6:] if root.startswith("plate:") else None
        display = (vehicles.display(plate) if plate else None) or "vehicle (no registration)"
        groups.append(Group("vehicle", display, tuple(sorted(group_rows))))
    return groups


# Full plates are indexed by their first and last few characters: a partial
# plate's known head or tail picks out the few it could be, not a whole area's.
_HEADS = (4, 3, 2)
_TAILS = (3, 2)
_WILD = frozenset({vehicles.UNKNOWN, vehicles.ANY_RUN})


def _plate_index(full: list[str]) -> dict[str, list[str]]:
    # Full plates by their first two to four and last two or three characters.
    index: dict[str, list[str]] = defaultdict(list)
    for plate in full:
        for size in _HEADS:
            index["^" + plate[:size]].append(plate)
        for size in _TAILS:
            index[plate[-size:] + "$"].append(plate)
    return index


def partial_plate_matches(
    partial: str, full: list[str], index: Mapping[str, list[str]] | None = None
) -> list[str]:
    """The known full plates a partial plate could be.

    Args:
        partial: A clean partial registration ("YB02KL?").
        full: Clean full registrations known.
        index: `full` by first and last characters (`_plate_index`), to avoid a scan.

    Returns:
        The fitting full plates, sorted.
    """
    candidates: Iterable[str] = full
    if index is not None:
        # The smallest list a known (wildcard-free) head or tail of the partial picks.
        keys = ["^" + partial[:size] for size in _HEADS if not set(partial[:size]) & _WILD] + [
            partial[-size:] + "$" for size in _TAILS if not set(partial[-size:]) & _WILD
        ]
        lists = [index.get(key, []) for key in keys]
        if lists:
            smallest: list[str] = min(lists, key=len)
            candidates = smallest
    return sorted({p for p in candidates if vehicles.compatible(partial, p)})


def organisation_name_key(name: str | None) -> str | None:
    """An organisation's name as lower-case words without "Ltd", "The" and the like.

    Args:
        name: The name as written.
    """
    if not name:
        return None
    words = [w for w in _NOT_WORD.split(unidecode(name).lower()) if w and w not in _ORG_NOISE]
    return " ".join(words) or None


def organisation_groups(rows: Iterable[tuple[int, Mapping[str, Any]]]) -> list[Group]:
    """Organisations by name key and type; a shortened name ("Apex" for "Apex Taxis")
    joins the longer one only when exactly one of that type starts with it.

    Args:
        rows: (row number, mention) of organisation mentions.
    """
    clusters: Clusters[str] = Clusters()
    key_of: dict[int, str] = {}
    written: dict[str, Counter[str]] = defaultdict(Counter)
    for row, mention in rows:
        name_key = organisation_name_key(mention.get("name"))
        key = f"{mention.get('org_type') or ''}|{name_key}" if name_key else f"row:{row}"
        key_of[row] = key
        clusters.add(key)
        written[key][mention.get("name") or ""] += 1
    by_type: dict[str, list[str]] = defaultdict(list)
    for key in sorted(k for k in written if not k.startswith("row:")):
        org_type, _, name_key = key.partition("|")
        by_type[org_type].append(name_key)
    for org_type, keys in by_type.items():
        # Sorted, the names starting with "apex " follow "apex " in one run.
        for short in keys:
            prefix = short + " "
            start = bisect.bisect_left(keys, prefix)
            longer = [k for k in keys[start : start + 2] if k.startswith(prefix)]
            if len(longer) == 1:
                clusters.join(f"{org_type}|{longer[0]}", f"{org_type}|{short}")
    return _groups_from(clusters, key_of, written, "organisation", "organisation (no name)")


def _keyed_groups(
    entity_type: str,
    rows: Iterable[tuple[int, Mapping[str, Any]]],
    key_of_mention: Any,
    display_of_mention: Any,
) -> list[Group]:
    clusters: Clusters[str] = Clusters()
    key_of: dict[int, str] = {}
    written: dict[str, Counter[str]] = defaultdict(Counter)
    for row, mention in rows:
        key = key_of_mention(mention) or f"row:{row}"
        key_of[row] = key
        clusters.add(key)
        written[key][display_of_mention(mention)] += 1
    return _groups_from(clusters, key_of, written, entity_type, f"{entity_type} (unknown)")


def _groups_from(
    clusters: Clusters[str],
    key_of: Mapping[int, str],
    written: Mapping[str, Counter[str]],
    entity_type: str,
    unnamed: str,
) -> list[Group]:
    members: dict[str, list[int]] = defaultdict(list)
    shown: dict[str, Counter[str]] = defaultdict(Counter)
    for row, key in key_of.items():
        root = clusters.find(key)
        members[root].append(row)
    for key, counts in written.items():
        shown[clusters.find(key)].update(counts)
    groups = []
    for root, group_rows in members.items():
        # The most often written form, ties broken alphabetically, so ids and names are stable.
        names = sorted(shown[root].items(), key=lambda item: (-item[1], item[0]))
        display = next((name for name, _ in names if name), unnamed)
        groups.append(Group(entity_type, display, tuple(sorted(group_rows))))
    return groups


def _phone_key(mention: Mapping[str, Any]) -> str | None:
    number = mention.get("number")
    return phones.clean(number) if number else None


def _phone_display(mention: Mapping[str, Any]) -> str:
    return _phone_key(mention) or (mention.get("number") or "")


def _address_key(mention: Mapping[str, Any]) -> str | None:
    return address_key(mention.get("address")) or postcode_keys(mention.get("postcode")).unit


def _address_display(mention: Mapping[str, Any]) -> str:
    parts = (mention.get("address"), mention.get("postcode"))
    return ", ".join(p for p in parts if p)
