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
from typing import NamedTuple, cast

from django.db.models import F, Q

from vigil.core.normalise import names, phones, postcodes, vehicles
from vigil.web.records import search_keys
from vigil.web.records.access import User, readable_q
from vigil.web.records.dialect import in_clause_limit
from vigil.web.records.models import Mention, SearchKey

# More candidates than this and the search asks to be narrowed.
MAX_HITS = 1000
# What a hit shows, read with each candidate in one query (as plain rows: building
# model instances for thousands of candidates costs more than judging them).
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


class Candidate(NamedTuple):
    """A mention that may match, with the record it is in (`_HIT_FIELDS`, in order)."""

    id: int
    type: str
    role: str | None
    name: str | None
    aliases: list[str] | None
    vrm: str | None
    phone: str | None
    postcode: str | None
    record_id: int
    agency: str
    kind: str
    recorded_at: datetime
    title: str | None
    record_source_id: str


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


# Candidates from the key index, then the property type's verdict on each.
Matcher = Callable[[Candidate], IntEnum | None]
# (cleaned query, the keys a candidate must meet (one of each filter), a further
# filter on mentions, field shown, matcher)
Found = tuple[str | None, tuple[Q, ...], Q, str, Matcher]


def _vrm(query: str) -> Found:
    cleaned = vehicles.clean(query)
    asked = search_keys.vrm_query(query)
    if cleaned is None or asked is None:
        return None, (), Q(), "vrm", lambda m: None
    head, heads = asked
    tail, tails = search_keys.vrm_tail_query(query) or ("", [""])
    # A plate that fits must meet the query at its start and at its end, so the
    # candidates are the mentions met both ways: whole plates that start (and end)
    # as the query does, and partial plates whose known head and known tail each
    # agree with the query's as far as both go.
    starts = (
        Q(kind=search_keys.VRM, key__startswith=head)
        | Q(kind=search_keys.VRM_PART, key__in=heads)
        | Q(kind=search_keys.VRM_PART, key__startswith=head)
    )
    ends = Q(kind=search_keys.VRM_TAIL, key__startswith=tail) | Q(
        kind=search_keys.VRM_TAIL, key__in=tails
    )

    def match(mention: Candidate) -> IntEnum | None:
        level = vehicles.compare(query, mention.vrm)
        return level if level and level >= vehicles.VrmLevel.COMPATIBLE else None

    # A side the query knows nothing of (`?B02 KLM` at its start) is met by every
    # plate: reading all of them would only be intersected away.
    keys = tuple(q for q, known in ((starts, head), (ends, tail)) if known) or (starts,)
    return vehicles.display(cleaned), keys, Q(), "vrm", match


def _phone(query: str) -> Found:
    cleaned = phones.clean(query)
    if cleaned is None:
        return None, (), Q(), "phone", lambda m: None
    candidates = Q(kind=search_keys.PHONE, key__in=phones.keys(query))

    def match(mention: Candidate) -> IntEnum | None:
        level = phones.compare(query, mention.phone)
        return level if level else None

    return cleaned, (candidates,), Q(), "phone", match


def _postcode(query: str) -> Found:
    wanted = postcodes.parse(query)
    if wanted is None:
        return None, (), Q(), "postcode", lambda m: None
    precision = wanted.precision.name.lower()
    # Stored postcodes are keyed at every precision: the query's own finds them.
    candidates = Q(kind=search_keys.POSTCODE, key=getattr(wanted, precision))

    def match(mention: Candidate) -> IntEnum | None:
        found = postcodes.parse(mention.postcode or "")
        if found is None or getattr(found, precision) != getattr(wanted, precision):
            return None
        return postcodes.compare(query, mention.postcode)

    return wanted.clean, (candidates,), Q(), "postcode", match


def _name(query: str) -> Found:
    wanted = names.parse(query)
    if wanted is None:
        return None, (), Q(), "name", lambda m: None
    # Spellings, nicknames and sounds: the keys find every name that could be
    # alike, and the name type judges each.
    keys = search_keys.name_query_keys(query)
    candidates: tuple[Q, ...] = (Q(kind=search_keys.NAME, key__in=keys),)
    if (forenames := search_keys.name_query_forename_keys(query)) is not None:
        candidates += (Q(kind=search_keys.NAME, key__in=forenames),)

    def match(mention: Candidate) -> IntEnum | None:
        written = (mention.name, *(mention.aliases or ()))
        levels = [names.compare(wanted, each) for each in written]
        best = max((level for level in levels if level is not None), default=None)
        return best if best is not None and best >= names.NameLevel.PHONETIC else None

    return names.clean(query), candidates, Q(name__isnull=False), "name", match


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
    cleaned, keys, only, field, match = _SEARCHES[kind](query)
    hits: list[MentionHit] = []
    truncated = False
    order = _candidates(keys, only, user, agency)
    for start in range(0, len(order), _BATCH):
        batch = order[start : start + _BATCH]
        rows = Mention.objects.filter(pk__in=batch).values_list(*_HIT_FIELDS)
        by_id = {row[0]: Candidate(*row) for row in rows}
        for mention in (by_id[pk] for pk in batch if pk in by_id):
            level = match(mention)
            if level is None:
                continue
            if len(hits) == MAX_HITS:
                truncated = True
                break
            hits.append(_hit(mention, field, level))
        if truncated:
            break
    hits.sort(key=lambda h: (-h.strength_rank, -h.recorded_at.timestamp(), h.mention_id))
    return SearchResult(hits=hits, truncated=truncated, cleaned_query=cleaned)


# Mentions read and judged at a time, newest first, until `MAX_HITS` have matched.
_BATCH = 500


def _candidates(keys: tuple[Q, ...], only: Q, user: User, agency: str | None) -> list[int]:
    """The candidates' mention ids, newest record first: current mentions with a key
    meeting each of `keys`, in records the user may read (and of `agency`, when given).

    The keys are read first, on their own, through their index; need-to-know and
    the current-version check then run on those few mentions only. One query
    joining keys to mentions lets PostgreSQL's planner, misled by a common key,
    loop over every mention instead.
    """
    if not keys:
        return []
    parts = [_alternatives(each) for each in keys]
    if all(len(alternatives) == 1 for alternatives in parts):
        # A common name's keys meet tens of thousands of mentions: the database
        # keeps those that meet every filter, rather than sending them all here.
        first, *others = (
            SearchKey.objects.filter(each).values_list("mention_id", flat=True) for each in keys
        )
        mention_ids = sorted(set(first.intersection(*others) if others else first))
    else:
        met = [
            {
                mention
                for alternative in alternatives
                for mention in SearchKey.objects.filter(alternative).values_list(
                    "mention_id", flat=True
                )
            }
            for alternatives in parts
        ]
        mention_ids = sorted(set.intersection(*met))
    current = Mention.objects.filter(
        only,
        readable_q(user, "record_version__record__"),
        record_version__record__current_version=F("record_version"),
    )
    if agency:
        current = current.filter(record_version__agency=agency)
    found: list[tuple[datetime, int]] = []
    step = in_clause_limit()
    for start in range(0, len(mention_ids), step):
        found.extend(
            current.filter(pk__in=mention_ids[start : start + step]).values_list(
                "record_version__recorded_at", "id"
            )
        )
    found.sort(key=lambda row: (-row[0].timestamp(), row[1]))
    return [pk for _, pk in found]


def _alternatives(keys: Q) -> list[Q]:
    """The parts of an OR of key filters, each to be read on its own.

    PostgreSQL answers an OR of index ranges by visiting every row they find
    (a bitmap scan), where each range alone is read from the covering index.
    """
    if keys.connector == Q.OR and not keys.negated and all(isinstance(c, Q) for c in keys.children):
        return [part for child in keys.children for part in _alternatives(cast(Q, child))]
    return [keys]


def _hit(mention: Candidate, field: str, level: IntEnum) -> MentionHit:
    value = getattr(mention, field) or ""
    if field == "name" and mention.aliases:
        value = f"{value} (also {', '.join(mention.aliases)})"
    return MentionHit(
        mention_id=mention.id,
        record_id=mention.record_id,
        record_source_id=mention.record_source_id,
        agency=mention.agency,
        kind=mention.kind,
        recorded_at=mention.recorded_at,
        title=mention.title,
        mention_type=mention.type,
        role=mention.role,
        value=value,
        strength=level.name.replace("_", " ").lower(),
        strength_rank=int(level),
    )
