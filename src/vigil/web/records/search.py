"""Selectors that find mentions by a name or alias, a plate, a phone number or a postcode.

Only mentions in records' current versions are searched. Each kind of value is
normalised by its property type (`vigil.core.normalise`), the same code linkage
uses: keys stored at ingest (`search_keys`) narrow the candidates through an
index, then the property type decides, and says how strong each match is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import Enum, IntEnum

from django.db.models import F, Q, QuerySet

from vigil.core.normalise import names, phones, postcodes, vehicles
from vigil.web.records import search_keys
from vigil.web.records.access import User, readable_q
from vigil.web.records.models import Mention

# More candidates than this and the search asks to be narrowed.
MAX_HITS = 1000
# What a hit shows, read with each candidate in one query.
_HIT_FIELDS = (
    "id",
    "type",
    "role",
    "name",
    "aliases",
    "vrm",
    "phone",
    "postcode",
    "record_version__record_id",
    "record_version__agency",
    "record_version__kind",
    "record_version__recorded_at",
    "record_version__title",
    "record_version__record__source_id",
)


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


def _keyed(where: Q) -> QuerySet[Mention]:
    """Current mentions stored under a key (`search_keys__kind`, `search_keys__key`) that
    meets `where`; one row per key met, so a mention may come more than once.

    A join from the keys' index rather than `IN (subquery)`, which PostgreSQL may
    answer by reading every mention.
    """
    return _current_mentions().filter(where)


# Candidates from the key index, then the property type's verdict on each.
Matcher = Callable[[Mention], IntEnum | None]


def _vrm(query: str) -> tuple[str | None, QuerySet[Mention], str, Matcher]:
    cleaned = vehicles.clean(query)
    asked = search_keys.vrm_query(query)
    if cleaned is None or asked is None:
        return None, Mention.objects.none(), "vrm", lambda m: None
    head, heads = asked
    # Whole plates that start as the query does; partial plates whose known head
    # and the query's agree as far as both go.
    candidates = _keyed(
        Q(search_keys__kind=search_keys.VRM, search_keys__key__startswith=head)
        | Q(search_keys__kind=search_keys.VRM_PART, search_keys__key__in=heads)
        | Q(search_keys__kind=search_keys.VRM_PART, search_keys__key__startswith=head)
    )

    def match(mention: Mention) -> IntEnum | None:
        level = vehicles.compare(query, mention.vrm)
        return level if level and level >= vehicles.VrmLevel.COMPATIBLE else None

    return vehicles.display(cleaned), candidates, "vrm", match


def _phone(query: str) -> tuple[str | None, QuerySet[Mention], str, Matcher]:
    cleaned = phones.clean(query)
    if cleaned is None:
        return None, Mention.objects.none(), "phone", lambda m: None
    candidates = _keyed(
        Q(search_keys__kind=search_keys.PHONE, search_keys__key__in=phones.keys(query))
    )

    def match(mention: Mention) -> IntEnum | None:
        level = phones.compare(query, mention.phone)
        return level if level else None

    return cleaned, candidates, "phone", match


def _postcode(query: str) -> tuple[str | None, QuerySet[Mention], str, Matcher]:
    wanted = postcodes.parse(query)
    if wanted is None:
        return None, Mention.objects.none(), "postcode", lambda m: None
    precision = wanted.precision.name.lower()
    # Stored postcodes are keyed at every precision: the query's own finds them.
    candidates = _keyed(
        Q(search_keys__kind=search_keys.POSTCODE, search_keys__key=getattr(wanted, precision))
    )

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
    # Spellings, nicknames and sounds: the keys find every name that could be
    # alike, and the name type judges each.
    keys = search_keys.name_query_keys(query)
    keyed = Q(search_keys__kind=search_keys.NAME, search_keys__key__in=keys)
    candidates = _keyed(keyed).filter(name__isnull=False)

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
    # Need-to-know as a check on each candidate's record, so only candidates are read.
    candidates = candidates.filter(readable_q(user, "record_version__record__"))
    if agency:
        candidates = candidates.filter(record_version__agency=agency)
    hits: list[MentionHit] = []
    truncated = False
    rows = (
        candidates.select_related("record_version__record")
        .only(*_HIT_FIELDS)
        .order_by("-record_version__recorded_at", "id")
    )
    seen: set[int] = set()
    for mention in rows.iterator(chunk_size=2000):
        if mention.pk in seen:  # met through more than one key
            continue
        seen.add(mention.pk)
        level = match(mention)
        if level is None:
            continue
        if len(hits) == MAX_HITS:
            truncated = True
            break
        value = getattr(mention, field) or ""
        if field == "name" and mention.aliases:
            value = f"{value} (also {', '.join(mention.aliases)})"
        version = mention.record_version
        hits.append(
            MentionHit(
                mention_id=mention.pk,
                record_id=version.record_id,
                record_source_id=version.record.source_id,
                agency=version.agency,
                kind=version.kind,
                recorded_at=version.recorded_at,
                title=version.title,
                mention_type=mention.type,
                role=mention.role,
                value=value,
                strength=level.name.replace("_", " ").lower(),
                strength_rank=int(level),
            )
        )
    hits.sort(key=lambda h: (-h.strength_rank, -h.recorded_at.timestamp(), h.mention_id))
    return SearchResult(hits=hits, truncated=truncated, cleaned_query=cleaned)
