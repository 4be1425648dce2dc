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
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

import pyarrow as pa
import pyarrow.compute as pc

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

_T = TypeVar("_T")
_EPOCH = date(1970, 1, 1)
_NOT_ALNUM = re.compile(r"[^A-Z0-9]")

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
        # Both words of a two-word name keyed alike, in the order written and
        # swapped, to find "Zielinska Janina" for "Janina Zielinska" (see `words_keys`).
        ("words_written", pa.string()),
        ("words_swapped", pa.string()),
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
        # The first of `identifiers`, for the comparison that forgives a slip.
        ("identifier", pa.string()),
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
    """Unit, sector and district of a postcode as written (in any area, by its shape).

    A code that is no UK postcode and starts with a digit, as most other
    countries' do ("2615", "75001"), is kept whole as the unit: two records
    agreeing on it still say something, though it has no sector or district.

    Args:
        text: A postcode as written, or None.
    """
    value = postcodes.parse(text) if text else None
    if value is not None:
        return PostcodeKeys(value.unit, value.sector, value.district)
    squashed = _NOT_ALNUM.sub("", (text or "").upper())
    if len(squashed) >= 3 and squashed[0].isdigit():
        return PostcodeKeys(squashed, None, None)
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


class PersonRows:
    """The person mentions of a snapshot: iterable as dicts, and read column-wise by
    `person_features`.

    Attributes:
        mentions: A snapshot's mentions table.
    """

    def __init__(self, mentions: pa.Table) -> None:
        self.mentions = mentions

    def __iter__(self) -> Iterator[dict[str, Any]]:
        present = [c for c in EVIDENCE_COLUMNS if c in self.mentions.column_names]
        row_number = 0
        for batch in self.mentions.select(["record_id", "ref", *present]).to_batches(50_000):
            for row in batch.to_pylist():
                if row["type"] == "person":
                    row["row"] = row_number
                    yield row
                row_number += 1


def person_rows(mentions: pa.Table) -> PersonRows:
    """The person mentions of a snapshot, evidence columns only, with their row number.

    Args:
        mentions: A snapshot's mentions table.

    Returns:
        Iterable of dicts holding `row`, `record_id`, `ref` and `EVIDENCE_COLUMNS`.
    """
    return PersonRows(mentions)


def person_features(rows: Iterable[Mapping[str, Any]]) -> pa.Table:
    """The linkage features of person mentions.

    Each property type runs once per distinct value (a million mentions
    hold far fewer names, postcodes and birth dates), and columns are
    read and built whole, not row by row.

    Args:
        rows: Person mentions (see `person_rows`); `row` becomes `unique_id`.

    Returns:
        A table in `PERSON_SCHEMA`.
    """
    if isinstance(rows, PersonRows):
        columns = _person_columns(rows.mentions)
    else:
        listed = list(rows)
        columns = {
            c: [r.get(c) for r in listed] for c in ("row", "record_id", "ref", *EVIDENCE_COLUMNS)
        }
    return _features(columns)


def _person_columns(mentions: pa.Table) -> dict[str, list[Any]]:
    people = pc.equal(mentions.column("type"), "person")
    present = [c for c in EVIDENCE_COLUMNS if c in mentions.column_names]
    table = mentions.select(["record_id", "ref", *present]).filter(people)
    columns = {c: table.column(c).to_pylist() for c in table.column_names}
    columns["row"] = pc.indices_nonzero(people).cast(pa.int64()).to_pylist()
    return columns


def _each_distinct(values: Iterable[Hashable], compute: Callable[[Any], _T]) -> list[_T]:
    """`compute` of every value, run once per distinct value."""
    done: dict[Hashable, _T] = {}
    found: list[_T] = []
    for value in values:
        if value not in done:
            done[value] = compute(value)
        found.append(done[value])
    return found


_NO_NAME: dict[str, Any] = {
    "name_clean": None,
    "forename": None,
    "forename_key": None,
    "forename_keys": frozenset(),
    "forename_spelling": None,
    "forename_metaphone": None,
    "forename_nysiis": None,
    "forename_initial": None,
    "surname": None,
    "surname_key": None,
    "surname_spelling": None,
    "surname_metaphone": None,
    "surname_nysiis": None,
    "words_written": None,
    "words_swapped": None,
}


def _name_columns(written: str | None) -> dict[str, Any]:
    value = names.parse(written) if written else None
    if value is None:
        return _NO_NAME
    first = value.forenames[0] if value.forenames else None
    return {
        "name_clean": value.clean,
        "forename": first,
        "forename_key": value.forename_key,
        "forename_keys": frozenset(value.forename_keys),
        "forename_spelling": value.forename_spelling,
        "forename_metaphone": value.forename_metaphone or None,
        "forename_nysiis": value.forename_nysiis or None,
        "forename_initial": first[0] if first else None,
        "surname": value.surname,
        "surname_key": value.surname_key,
        "surname_spelling": value.surname_spelling,
        "surname_metaphone": value.surname_metaphone or None,
        "surname_nysiis": value.surname_nysiis or None,
        **words_keys(first, value.surname),
    }


def words_keys(forename: str | None, surname: str | None) -> dict[str, str | None]:
    """A forename and surname keyed alike, in the order written and swapped.

    Each word is keyed as a surname would be: written first, "Zielinska" is
    parsed as a forename and keyed as one ("zielinska"), written last as a
    surname ("zielinski"), so the forename and surname keys of a name and of
    its swap need not meet; one name's `words_written` equals the other's
    `words_swapped` only when one is the other swapped. Initials are left
    out: "J Smith" swapped is no name anyone writes.

    Args:
        forename: The first forename, clean.
        surname: The surname, clean.
    """
    if not forename or not surname or len(forename) < 2:
        return {"words_written": None, "words_swapped": None}
    first, last = names.surname_key(forename), names.surname_key(surname)
    return {"words_written": f"{first}|{last}", "words_swapped": f"{last}|{first}"}


def _alias_columns(aliases: tuple[str, ...]) -> tuple[frozenset[str], frozenset[str]]:
    """Forename keys and clean names of a mention's aliases ("Mo", aka "Mohammed")."""
    keys: set[str] = set()
    known: set[str] = set()
    for alias in aliases:
        value = names.parse(alias)
        if value is not None:
            keys |= value.forename_keys
            known.add(value.clean)
    return frozenset(keys), frozenset(known)


def _birth_columns(key: tuple[Any, ...]) -> tuple[int | None, int | None, int | None]:
    dob, age, occurred_on, occurred_from = key
    birth = birth_range(
        {"dob": dob, "age": age, "occurred_on": occurred_on, "occurred_from": occurred_from}
    )
    if birth is None:
        return None, None, None
    middle = (birth.earliest.year + birth.latest.year) // 2
    return _days(birth.earliest), _days(birth.latest), middle


def _phone_columns(written: str | None) -> tuple[str | None, str | None]:
    phone = phones.parse(written) if written else None
    if phone is None:
        return None, None
    tail = phone.tail if len(phone.tail) == phones.TAIL_DIGITS else None
    return phone.clean, tail


def _identifier_columns(written: str | None) -> tuple[list[str] | None, list[str] | None]:
    official = identifier_values(written)
    if not official:
        return None, None
    return official, sorted({v.split(":", 1)[0] for v in official})


def _features(columns: Mapping[str, list[Any]]) -> pa.Table:
    size = len(columns["row"])

    def column(name: str) -> list[Any]:
        return columns.get(name) or [None] * size

    named = _each_distinct(column("name"), _name_columns)
    aliases = _each_distinct((tuple(a) if a else () for a in column("aliases")), _alias_columns)
    births = _each_distinct(
        zip(
            column("dob"),
            column("age"),
            column("occurred_on"),
            column("occurred_from"),
            strict=True,
        ),
        _birth_columns,
    )
    postcode = _each_distinct(column("postcode"), postcode_keys)
    phone = _each_distinct(column("phone"), _phone_columns)
    official = _each_distinct(column("identifiers"), _identifier_columns)
    out: dict[str, Any] = {"unique_id": columns["row"]}
    out["record_id"] = columns["record_id"]
    out["ref"] = columns["ref"]
    for name in _NO_NAME:
        if name != "forename_keys":
            out[name] = [n[name] for n in named]
    out["forename_keys"] = [
        sorted(n["forename_keys"] | a[0]) or None for n, a in zip(named, aliases, strict=True)
    ]
    known = [a[1] for a in aliases]
    # A street name ("Big Glen") is often the only name a record has: a mention
    # written by a name that others give as an alias is known by it too.
    everyone = frozenset().union(*known)
    out["known_as"] = [
        sorted(k | ({c} if c in everyone else set())) or None
        for k, c in zip(known, out["name_clean"], strict=True)
    ]
    out["dob"] = _each_distinct(column("dob"), _full_dob)
    out["birth_lo"] = [b[0] for b in births]
    out["birth_hi"] = [b[1] for b in births]
    out["birth_year"] = [b[2] for b in births]
    out["gender"] = _each_distinct(column("gender"), _gender)
    out["postcode_unit"] = [k.unit for k in postcode]
    out["postcode_sector"] = [k.sector for k in postcode]
    out["postcode_district"] = [k.district for k in postcode]
    out["address_key"] = _each_distinct(column("address"), address_key)
    out["phone"] = [p[0] for p in phone]
    out["phone_tail"] = [p[1] for p in phone]
    out["email"] = _each_distinct(column("email"), _email)
    out["identifiers"] = [o[0] for o in official]
    out["identifier_schemes"] = [o[1] for o in official]
    out["identifier"] = [o[0][0] if o[0] else None for o in official]
    # A member of staff named in an agency's own record is most likely that
    # agency's: two such mentions with one name are one colleague.
    out["staff"] = [
        agency if role == "professional" else None
        for role, agency in zip(column("role"), column("agency"), strict=True)
    ]
    return pa.table({n: out[n] for n in PERSON_SCHEMA.names}, schema=PERSON_SCHEMA)


def _full_dob(written: str | None) -> str | None:
    """A full date of birth (YYYY-MM-DD) that is a real date; None for any other.

    "1990-39-25" is a slip of the keyboard, not a date: compared as written it
    would be one person's date contradicting their own real one.
    """
    if not written or len(written) != 10:
        return None
    try:
        date.fromisoformat(written)
    except ValueError:
        return None
    return written


def _gender(written: str | None) -> str | None:
    first = (written or "").strip().lower()[:1]
    return first if first in ("m", "f") else None


def _email(written: str | None) -> str | None:
    return (written or "").strip().lower() or None
