"""Selectors that find mentions by a name or alias, a plate, a phone number or a postcode.

Only mentions in records' current versions are searched. Each kind of value is
normalised by its property type (`vigil.core.normalise`), the same code linkage
uses: the database narrows the candidates, then the property type decides,
and says how strong each match is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import Enum, IntEnum
from typing import Any

from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Replace, Upper

from vigil.core.normalise import names, phones, postcodes, vehicles
from vigil.web.records.access import User, visible_record_ids
from vigil.web.records.models import Mention

# More candidates than this and the search asks to be narrowed.
MAX_HITS = 1000


class SearchKind(Enum):
    """What the search text is."""

    NAME = "name"
    VRM = "vrm"
    PHONE = "phone"
    POSTCODE = "postcode"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    SearchKind.NAME: "Name or alias",
    SearchKind.VRM: "Vehicle registration (full or partial)",
    SearchKind.PHONE: "Phone number",
    SearchKind.POSTCODE: "Postcode (full or partial)",
}


@dataclass(frozen=True, slots=True)
class MentionHit:
    """A mention that matched, with the record it is in."""

    mention_id: int
    record_id: int
    record_source_id: str
    agency: str
    kind: str
    recorded_at: datetime
    title: str | None
    mention_type: str
    role: str | None
    value: str
    strength: str
    strength_rank: int


@dataclass(frozen=True, slots=True)
class SearchResult:
    """The hits, newest record first, and whether there were more than `MAX_HITS`."""

    hits: list[MentionHit]
    truncated: bool
    cleaned_query: str | None


def _current_mentions() -> QuerySet[Mention]:
    return Mention.objects.filter(record_version__record__current_version=F("record_version"))


def _squashed(field: str, characters: Iterable[str]) -> Any:
    """The field in upper case with the given characters removed, in SQL."""
    expression: Any = Upper(field)
    for character in characters:
        expression = Replace(expression, Value(character), Value(""))
    return expression


# Candidates from the database, then the property type's verdict on each.
Matcher = Callable[[Mention], IntEnum | None]


def _vrm(query: str) -> tuple[str | None, QuerySet[Mention], str, Matcher]:
    cleaned = vehicles.clean(query)
    pattern = vehicles.to_regex(query)
    if cleaned is None or pattern is None:
        return None, Mention.objects.none(), "vrm", lambda m: None
    candidates = (
        _current_mentions()
        .filter(vrm__isnull=False)
        .annotate(vrm_squashed=_squashed("vrm", " -."))
        # Stored partial plates are few: the property type compares each.
        .filter(
            Q(vrm_squashed__regex=f"^{pattern.pattern}$")
            | Q(vrm__contains="?")
            | Q(vrm__contains="*")
            | Q(vrm__contains="_")
        )
    )

    def match(mention: Mention) -> IntEnum | None:
        level = vehicles.compare(query, mention.vrm)
        return level if level and level >= vehicles.VrmLevel.COMPATIBLE else None

    return vehicles.display(cleaned), candidates, "vrm", match


def _phone(query: str) -> tuple[str | None, QuerySet[Mention], str, Matcher]:
    cleaned = phones.clean(query)
    if cleaned is None:
        return None, Mention.objects.none(), "phone", lambda m: None
    tail = "".join(c for c in cleaned if c.isdigit())[-phones.TAIL_DIGITS :]
    candidates = (
        _current_mentions()
        .filter(phone__isnull=False)
        .annotate(phone_digits=_squashed("phone", " -().+/"))
        .filter(phone_digits__endswith=tail)
    )

    def match(mention: Mention) -> IntEnum | None:
        level = phones.compare(query, mention.phone)
        return level if level else None

    return cleaned, candidates, "phone", match


def _postcode(query: str) -> tuple[str | None, QuerySet[Mention], str, Matcher]:
    wanted = postcodes.parse(query)
    if wanted is None:
        return None, Mention.objects.none(), "postcode", lambda m: None
    candidates = (
        _current_mentions()
        .filter(postcode__isnull=False)
        .annotate(postcode_squashed=_squashed("postcode", " "))
        .filter(postcode_squashed__startswith=wanted.clean.replace(" ", ""))
    )
    precision = wanted.precision.name.lower()

    def match(mention: Mention) -> IntEnum | None:
        found = postcodes.parse(mention.postcode or "")
        if found is None or getattr(found, precision) != getattr(wanted, precision):
            return None
        return postcodes.compare(query, mention.postcode)

    return wanted.clean, candidates, "postcode", match


def _name(query: str) -> tuple[str | None, QuerySet[Mention], str, Matcher]:
    wanted = names.parse(query)
    if wanted is None:
        return None, Mention.objects.none(), "name", lambda m: None
    # Names are compared in Python: spellings, nicknames and sounds are not SQL.
    candidates = _current_mentions().filter(name__isnull=False).only("id", "name", "aliases")

    def match(mention: Mention) -> IntEnum | None:
        levels = [names.compare(wanted, written) for written in (mention.name, *mention.aliases)]
        best = max((level for level in levels if level is not None), default=None)
        return best if best is not None and best >= names.NameLevel.PHONETIC else None

    return names.clean(query), candidates, "name", match


_SEARCHES = {
    SearchKind.NAME: _name,
    SearchKind.VRM: _vrm,
    SearchKind.PHONE: _phone,
    SearchKind.POSTCODE: _postcode,
}


def mention_search(
    *, kind: SearchKind, query: str, user: User, agency: str | None = None
) -> SearchResult:
    """Mentions in current record versions the user may read whose value matches the query.

    Args:
        kind: What the query is.
        query: As the user typed it; a plate may have `?` for unknown characters.
        user: Who searches: only records need-to-know lets them read are searched,
            in SQL, so hits, counts and truncation all leave the rest out.
        agency: Only records of this agency, when given.

    Returns:
        At most `MAX_HITS` hits, strongest match first, then newest record.
    """
    cleaned, candidates, field, match = _SEARCHES[kind](query)
    candidates = candidates.filter(record_version__record_id__in=visible_record_ids(user))
    if agency:
        candidates = candidates.filter(record_version__agency=agency)
    found: dict[int, tuple[IntEnum, str]] = {}
    truncated = False
    for mention in candidates.order_by("-record_version__recorded_at", "id").iterator(
        chunk_size=2000
    ):
        level = match(mention)
        if level is None:
            continue
        if len(found) == MAX_HITS:
            truncated = True
            break
        value = getattr(mention, field) or ""
        if field == "name" and mention.aliases:
            value = f"{value} (also {', '.join(mention.aliases)})"
        found[mention.pk] = (level, value)
    rows = (
        Mention.objects.filter(pk__in=found)
        .values(
            "id",
            "type",
            "role",
            "record_version__record_id",
            "record_version__record__source_id",
            "record_version__agency",
            "record_version__kind",
            "record_version__recorded_at",
            "record_version__title",
        )
        .iterator(chunk_size=2000)
    )
    hits = [
        MentionHit(
            mention_id=row["id"],
            record_id=row["record_version__record_id"],
            record_source_id=row["record_version__record__source_id"],
            agency=row["record_version__agency"],
            kind=row["record_version__kind"],
            recorded_at=row["record_version__recorded_at"],
            title=row["record_version__title"],
            mention_type=row["type"],
            role=row["role"],
            value=found[row["id"]][1],
            strength=found[row["id"]][0].name.replace("_", " ").lower(),
            strength_rank=int(found[row["id"]][0]),
        )
        for row in rows
    ]
    hits.sort(key=lambda h: (-h.strength_rank, -h.recorded_at.timestamp(), h.mention_id))
    return SearchResult(hits=hits, truncated=truncated, cleaned_query=cleaned)
