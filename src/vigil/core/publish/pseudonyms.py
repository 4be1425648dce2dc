"""Consistent pseudonyms across one document, and the key that undoes them.

People become "Child A" or "Adult 1", professionals named with their role
"Police officer 1", vehicles "Vehicle 1", phones "Phone 1", organisations "Taxi
firm 1" (by their type); ages become bands, dates are kept to month and year and
places are generalised: an address is "an address in the town" (or "in another
town"), the town of most known addresses "the town", another town "another town
(Town 1)", a street "a street (Street 1)", a postcode its district ("the S60
area"). The same person, plate or number gets the same pseudonym wherever it
appears in the document. The key from pseudonym to entity is returned apart
from the text, to be sealed.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from string import ascii_uppercase

from vigil.core.normalise import addresses, postcodes
from vigil.core.publish.known import KnownEntity
from vigil.core.publish.spans import Span

_MONTHS = tuple(calendar.month_name[1:])
_ORG_TYPES = {
    "taxi_firm": "Taxi firm",
    "takeaway": "Takeaway",
    "hotel": "Hotel",
    "school": "School",
    "childrens_home": "Children's home",
    "children_home": "Children's home",
    "shop": "Shop",
}
_NUMBERED = {"vehicle": "Vehicle", "phone": "Phone", "email": "Email", "address": "Address"}
_FIXED = {"nhs_number": "[NHS number]", "ni_number": "[NI number]"}
# (upper bound, band): ages as case reviews give them.
_AGE_BANDS = (
    (10, "under 10"),
    (13, "10-12"),
    (16, "13-15"),
    (18, "16-17"),
    (25, "18-24"),
    (35, "25-34"),
    (45, "35-44"),
    (55, "45-54"),
)
_ADULT_TITLES = ("mr", "mrs", "ms", "dr", "mx")


@dataclass(frozen=True, slots=True)
class KeyEntry:
    """What one pseudonym stands for: sealed, for authorised reviewers only.

    Attributes:
        pseudonym: As printed ("Child A").
        kind: What was replaced (person, vehicle, ...).
        entity_id: The known entity, or None for a value only a pattern found.
        written: Every text it replaced in the document.
    """

    pseudonym: str
    kind: str
    entity_id: str | None
    written: tuple[str, ...]


@dataclass(slots=True)
class Pseudonyms:
    """Hands out pseudonyms for one document; ask it for every span in text order."""

    entities: dict[str, KnownEntity] = field(default_factory=dict)
    home_town: str | None = None  # lower case: `KnownMatcher.home_town`
    _given: dict[tuple[str, str], str] = field(default_factory=dict)
    _counts: dict[str, int] = field(default_factory=dict)
    _key: dict[str, tuple[str, str | None, list[str]]] = field(default_factory=dict)
    _elsewhere: set[str] = field(default_factory=set)  # addresses seen in another town

    def replace(self, span: Span, written: str) -> str:
        """The text that stands in for a span.

        Args:
            span: What was found.
            written: The text it covers.

        Returns:
            A pseudonym, a band or a generalisation.
        """
        if span.kind in _FIXED:
            return _FIXED[span.kind]
        if span.kind == "age":
            return _age_band(span.key)
        if span.kind in {"dob", "date"}:
            return _month(span.key) or ("[date of birth]" if span.kind == "dob" else "[date]")
        if span.kind == "postcode":
            value = postcodes.parse(span.key or written)
            return f"the {value.district} area" if value and value.district else "the area"
        town = self._town(span.key)
        if span.kind == "place" and town is not None and town == self.home_town:
            return "the town"
        identity = self._identity(span, written)
        if identity not in self._given:
            self._given[identity] = self._next(self._series(span, written))
        pseudonym = self._given[identity]
        entry = self._key.setdefault(pseudonym, (span.kind, span.entity_id, []))
        if written not in entry[2]:
            entry[2].append(written)
        if span.kind == "address":
            # Once written with another town, an address stays there where written without.
            if self._in_another_town(span, written):
                self._elsewhere.add(pseudonym)
            where = "another town" if pseudonym in self._elsewhere else "the town"
            return f"an address in {where} ({pseudonym})"
        if span.kind == "place":
            return f"another town ({pseudonym})" if town else f"a street ({pseudonym})"
        return pseudonym

    def key(self) -> list[KeyEntry]:
        """The key from each pseudonym given so far to what it replaced."""
        return [
            KeyEntry(pseudonym, kind, entity_id, tuple(written))
            for pseudonym, (kind, entity_id, written) in self._key.items()
        ]

    def _in_another_town(self, span: Span, written: str) -> bool:
        """Whether an address is in another town than the home town (when both are known)."""
        entity = self.entities.get(span.entity_id) if span.entity_id else None
        found = [addresses.parse(written)]
        if entity is not None:
            found.extend(addresses.parse(a) for a in entity.addresses)
        town = next((v.locality for v in found if v is not None and v.locality), None)
        return town is not None and self.home_town is not None and town != self.home_town

    @staticmethod
    def _town(key: str | None) -> str | None:
        return key.removeprefix("town:") if key and key.startswith("town:") else None

    def _identity(self, span: Span, written: str) -> tuple[str, str]:
        if span.kind in {"person", "organisation", "professional", "place"}:
            return span.kind, span.entity_id or span.key or written.lower()
        entity = self.entities.get(span.entity_id) if span.entity_id else None
        if entity is not None and entity.type == span.kind:  # a known vehicle or phone
            return span.kind, entity.entity_id
        # A number or plate is itself, whoever's record it was found under.
        return span.kind, span.key or span.entity_id or written.lower()

    def _series(self, span: Span, written: str) -> str:
        entity = self.entities.get(span.entity_id) if span.entity_id else None
        if span.kind == "person":
            if entity is not None and entity.category == "child":
                return "Child"
            if entity is not None and entity.category == "adult":
                return "Adult"
            if written.lower().rstrip(".").split(" ")[0].rstrip(".") in _ADULT_TITLES:
                return "Adult"
            return "Person"
        if span.kind == "professional":  # "Police officer|smith": by role
            return (span.key or "Professional|").split("|")[0]
        if span.kind == "organisation":
            # Known by its entity's type, or found by a pattern as "takeaway:golden pizza".
            org_type = entity.org_type if entity is not None else (span.key or "").split(":")[0]
            return _ORG_TYPES.get(org_type or "", "Organisation")
        if span.kind == "place":
            return "Town" if self._town(span.key) else "Street"
        return _NUMBERED.get(span.kind, span.kind.capitalize())

    def _next(self, series: str) -> str:
        count = self._counts.get(series, 0)
        self._counts[series] = count + 1
        if series == "Child":
            return f"Child {_letters(count)}"
        return f"{series} {count + 1}"


def _letters(index: int) -> str:
    """A, B, ..., Z, AA, AB, ...: spreadsheet-style letters."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = ascii_uppercase[remainder] + letters
    return letters


def _age_band(years: str | None) -> str:
    age = int(years) if years and years.isdigit() else None
    if age is None:
        return "of unknown age"
    band = next((band for limit, band in _AGE_BANDS if age < limit), "55 or over")
    return f"aged {band}"


def _month(key: str | None) -> str | None:
    if not key or len(key) < 7:
        return None
    year, month = key[:4], key[5:7]
    if not (year.isdigit() and month.isdigit() and 1 <= int(month) <= 12):
        return None
    return f"{_MONTHS[int(month) - 1]} {year}"
