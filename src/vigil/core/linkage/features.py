"""What linkage reads from each mention: keys from the normalise property types.

Every value a comparison or blocking rule uses is computed here, once per
mention, by the property type that owns it (names, phones, postcodes, ages,
addresses, vehicles), so the SQL the engines run only compares ready keys.

`EVIDENCE_COLUMNS` is the whole of what linkage may read from a mention.
Ethnicity, nationality and religion are not in it and never will be: they
are recorded for statistics, and are no evidence of who someone is.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import pyarrow as pa

from vigil.core.normalise import addresses, ages, names, phones, postcodes
from vigil.core.normalise.dates import DateError, PartialDate

# The only mention columns linkage reads (besides record_id and ref).
EVIDENCE_COLUMNS: tuple[str, ...] = (
    "type",
    "role",
    "agency",
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
    "vrm",
    "number",
    "org_type",
    "occurred_on",
    "occurred_from",
    "occurred_to",
)
NEVER_EVIDENCE: frozenset[str] = frozenset({"ethnicity", "nationality", "religion"})

_EPOCH = date(1970, 1, 1)
_NOT_ALNUM = re.compile(r"[^A-Z0-9]")
_LOOSE_POSTCODE = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}")

PERSON_SCHEMA = pa.schema(
    [
        ("unique_id", pa.int64()),
        ("record_id", pa.string()),
        ("ref", pa.string()),
        ("name_clean", pa.string()),
        ("forename", pa.string()),
        ("forename_key", pa.string()),
        ("forename_keys", pa.list_(pa.string())),
        ("forename_spelling", pa.string()),
        ("forename_metaphone", pa.string()),
        ("forename_nysiis", pa.string()),
        ("forename_initial", pa.string()),
        ("surname", pa.string()),
        ("surname_key", pa.string()),
        ("surname_spelling", pa.string()),
        ("surname_metaphone", pa.string()),
        ("surname_nysiis", pa.string()),
        ("dob", pa.string()),
        ("birth_lo", pa.int32()),
        ("birth_hi", pa.int32()),
        ("birth_year", pa.int32()),
        ("gender", pa.string()),
        ("postcode_unit", pa.string()),
        ("postcode_sector", pa.string()),
        ("postcode_district", pa.string()),
        ("address_key", pa.string()),
        ("phone", pa.string()),
        ("phone_tail", pa.string()),
        ("email", pa.string()),
        ("identifiers", pa.list_(pa.string())),
        ("identifier_schemes", pa.list_(pa.string())),
        ("known_as", pa.list_(pa.string())),
        ("staff", pa.string()),
    ]
)


@dataclass(frozen=True, slots=True)
class PostcodeKeys:
    """A postcode at the three precisions linkage compares."""

    unit: str | None
    sector: str | None
    district: str | None


def postcode_keys(text: str | None) -> PostcodeKeys:
    """Unit, sector and district of a postcode as written.

    The property type knows the real UK areas; a well-formed code in an area
    it does not know (the synthetic town's own, or a new one) is still read,
    because two records agreeing on it is evidence all the same.

    Args:
        text: A postcode as written, or None.
    """
    if not text:
        return PostcodeKeys(None, None, None)
    value = postcodes.parse(text)
    if value is not None:
        return PostcodeKeys(value.unit, value.sector, value.district)
    squashed = _NOT_ALNUM.sub("", text.upper())
    if _LOOSE_POSTCODE.fullmatch(squashed):
        unit = f"{squashed[:-3]} {squashed[-3:]}"
        return PostcodeKeys(unit, unit[:-2], squashed[:-3])
    return PostcodeKeys(None, None, None)


def address_key(address: str | None) -> str | None:
    """The address property type's key ("flat 2 10 oak street S60 1AA").

    Args:
        address: The address as written, or None.
    """
    value = addresses.parse(address) if address else None
    return None if value is None else value.key


def birth_range(row: Mapping[str, Any]) -> ages.BirthRange | None:
    """Birth evidence of a mention: its date of birth, else its age at the event date.

    Args:
        row: A mention with `dob`, `age` and the record's occurred dates.
    """
    dob = row.get("dob")
    if dob:
        try:
            return ages.BirthRange.from_dob(PartialDate.parse(dob))
        except DateError:
            pass
    age = row.get("age")
    if age is None:
        return None
    on = _occurred(row)
    if on is None:
        return None
    try:
        return ages.BirthRange.from_age(float(age), on)
    except ValueError:
        return None


def _occurred(row: Mapping[str, Any]) -> date | PartialDate | None:
    if row.get("occurred_on"):
        try:
            return PartialDate.parse(row["occurred_on"])
        except DateError:
            pass
    first = row.get("occurred_from")
    return first if isinstance(first, date) else None


def _days(day: date) -> int:
    return (day - _EPOCH).days


def identifier_values(identifiers: str | Mapping[str, Any] | None) -> list[str] | None:
    """Official identifiers as "scheme:value" strings (NHS, PNC, UPN, ...).

    Args:
        identifiers: The mention's identifiers, as a JSON object or its text.
    """
    if not identifiers:
        return None
    loaded = json.loads(identifiers) if isinstance(identifiers, str) else identifiers
    found = sorted(
        f"{str(k).lower()}:{_NOT_ALNUM.sub('', str(v).upper())}"
        for k, v in loaded.items()
        if v not in (None, "")
    )
    return found or None


def person_rows(mentions: pa.Table) -> Iterator[dict[str, Any]]:
    """The person mentions of a snapshot, evidence columns only, with their row number.

    Args:
        mentions: A snapshot's mentions table.

    Yields:
        Dicts holding `row`, `record_id`, `ref` and `EVIDENCE_COLUMNS`.
    """
    present = [c for c in EVIDENCE_COLUMNS if c in mentions.column_names]
    row_number = 0
    for batch in mentions.select(["record_id", "ref", *present]).to_batches(50_000):
        for row in batch.to_pylist():
            if row["type"] == "person":
                row["row"] = row_number
                yield row
            row_number += 1


def person_features(rows: Iterator[dict[str, Any]]) -> pa.Table:
    """The linkage features of person mentions.

    Args:
        rows: Person mentions (see `person_rows`); `row` becomes `unique_id`.

    Returns:
        A table in `PERSON_SCHEMA`.
    """
    columns: dict[str, list[Any]] = {name: [] for name in PERSON_SCHEMA.names}
    for row in rows:
        for key, value in _person_feature(row).items():
            columns[key].append(value)
    # A street name ("Big Glen") is often the only name a record has: a mention
    # written by a name that others give as an alias is known by it too.
    aliases = {alias for known in columns["known_as"] if known for alias in known}
    columns["known_as"] = [
        sorted({*(known or ()), *((name,) if name in aliases else ())}) or None
        for known, name in zip(columns["known_as"], columns["name_clean"], strict=True)
    ]
    return pa.table(columns, schema=PERSON_SCHEMA)


def _person_feature(row: Mapping[str, Any]) -> dict[str, Any]:
    value = names.parse(row["name"]) if row.get("name") else None
    forename_keys: set[str] = set()
    known_as: set[str] = set()
    if value is not None:
        forename_keys |= value.forename_keys
    # Aliases widen the names a mention may go by ("Mo", aka "Mohammed").
    for alias in row.get("aliases") or ():
        alias_value = names.parse(alias)
        if alias_value is not None:
            forename_keys |= alias_value.forename_keys
            known_as.add(alias_value.clean)
    birth = birth_range(row)
    dob = row.get("dob") if row.get("dob") and len(row["dob"]) == 10 else None
    postcode = postcode_keys(row.get("postcode"))
    phone = phones.parse(row["phone"]) if row.get("phone") else None
    gender = (row.get("gender") or "").strip().lower()[:1] or None
    first = value.forenames[0] if value else None
    official = identifier_values(row.get("identifiers"))
    return {
        "unique_id": row["row"],
        "record_id": row["record_id"],
        "ref": row["ref"],
        "name_clean": value.clean if value else None,
        "forename": first,
        "forename_key": value.forename_key if value else None,
        "forename_keys": sorted(forename_keys) or None,
        "forename_spelling": value.forename_spelling if value else None,
        "forename_metaphone": value.forename_metaphone or None if value else None,
        "forename_nysiis": value.forename_nysiis or None if value else None,
        "forename_initial": first[0] if first else None,
        "surname": value.surname if value else None,
        "surname_key": value.surname_key if value else None,
        "surname_spelling": value.surname_spelling if value else None,
        "surname_metaphone": value.surname_metaphone or None if value else None,
        "surname_nysiis": value.surname_nysiis or None if value else None,
        "dob": dob,
        "birth_lo": _days(birth.earliest) if birth else None,
        "birth_hi": _days(birth.latest) if birth else None,
        "birth_year": (birth.earliest.year + birth.latest.year) // 2 if birth else None,
        "gender": gender if gender in ("m", "f") else None,
        "postcode_unit": postcode.unit,
        "postcode_sector": postcode.sector,
        "postcode_district": postcode.district,
        "address_key": address_key(row.get("address")),
        "phone": phone.clean if phone else None,
        "phone_tail": phone.tail if phone and len(phone.tail) == phones.TAIL_DIGITS else None,
        "email": (row.get("email") or "").strip().lower() or None,
        "identifiers": official,
        "known_as": sorted(known_as) or None,
        "identifier_schemes": sorted({v.split(":", 1)[0] for v in official}) if official else None,
        # A member of staff named in an agency's own record is most likely that
        # agency's: two such mentions with one name are one colleague.
        "staff": row.get("agency") if row.get("role") == "professional" else None,
    }
