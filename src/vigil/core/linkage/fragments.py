"""Small clusters joined to the one person they can only be: an analyst's last pass.

The pairwise model weighs two mentions at a time, and cannot see the town:
"Jurková", a woman of about 31 in 2011, scores weakly against Stela Jurková
(a surname alone, a birth range) and is left on her own, although no one
else in the records could be her. An analyst would ask the question the
other way round: of every person already resolved, who could this fragment
be? When exactly one person fits, and something beyond the name agrees,
it is them.

A fragment is a cluster of a few mentions. A person fits it when

- a name of theirs agrees with a name of the fragment (a one-word name with
  their forename, nickname or surname; a full name spelt two ways, swapped
  or with an initial), and
- nothing contradicts (`consistency`: genders, numbers of one scheme, dates
  of birth, birth evidence years apart, one record).

It is joined to a person who fits when

- that person is the only one who fits and shares something with it (an
  address, a phone, a vehicle, a person both are named with), or
- no one who fits shares anything, the fragment is staff named in its
  agency's own records, and that person is the only one who fits among the
  agency's staff ("Lee" of the youth service, however common the name), or
- no one who fits shares anything, the fragment's name is rare (borne by
  at most `MAX_NAMESAKES_BY_BIRTH` people), and that person is the only one
  who fits whose birth evidence agrees with the fragment's to within about
  a year, while everyone else who fits has birth evidence that does not.

Context that many people share (a hostel's address, a youth worker named
with everyone) is no evidence and is not counted.

It runs once, on the final clusters of a link (and of an incremental link,
among everyone), so what it joins never feeds back into the model's pairs.

Two people fitting as well as each other leave the fragment alone: a wrong
join hides a second person, which is worse than a missed one. Ethnicity,
nationality and religion are not read here either (`features.EVIDENCE_COLUMNS`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pyarrow as pa

from vigil.core.linkage import consistency
from vigil.core.normalise import names

# Clusters of at most this many mentions are fragments to place.
MAX_FRAGMENT = 3
# A fragment's name borne by more people than this: one of them born the
# same year is no coincidence worth acting on, and only shared context can
# single anyone out.
MAX_NAMESAKES_BY_BIRTH = 40
# Birth evidence this close (days) agrees: a guessed age is a year or so out.
BIRTH_AGREES_DAYS = 400
# How alike names must be: a one-word name must be a person's name, its
# spelling or nickname; a full name may carry a typo or an initial when
# context or birth says more.
ONE_WORD_FLOOR = names.NameLevel.NICKNAME
FULL_NAME_FLOOR = names.NameLevel.SIMILAR
# Context shared by more people than this (a hostel, a youth worker named
# with everyone) is no evidence of who anyone is.
MAX_SHARING = 16
# The columns of what a mention is linked to or found with.
CONTEXT_COLUMNS = ("address_key", "phone", "addresses", "phones", "vehicles", "associates")


@dataclass(slots=True)
class _Person:
    """What a cluster's mentions say, for placing fragments."""

    rows: Sequence[dict[str, object]]
    names: set[str] = field(default_factory=set)
    keys: set[str] = field(default_factory=set)
    context: set[str] = field(default_factory=set)
    # The agencies whose own records name them as staff.
    staff: set[str] = field(default_factory=set)
    # The union of the members' birth ranges (for agreement; contradictions use facts).
    born_lo: int | None = None
    born_hi: int | None = None
    known: consistency._Facts | None = None

    @property
    def facts(self) -> consistency._Facts:
        """What to check a join against; gathered when first asked for, as
        most people are never weighed against a fragment."""
        if self.known is None:
            self.known = consistency._facts(self.rows[0])
            for row in self.rows[1:]:
                self.known.absorb(consistency._facts(row))
        return self.known


def _person(rows: Sequence[dict[str, object]]) -> _Person:
    person = _Person(rows=rows)
    for row in rows:
        if row["name_clean"]:
            person.names.add(str(row["name_clean"]))
        person.keys |= _name_keys(row)
        person.context |= _context(row)
        if row["staff"]:
            person.staff.add(str(row["staff"]))
        lo, hi = row["birth_lo"], row["birth_hi"]
        if isinstance(lo, int) and isinstance(hi, int):
            person.born_lo = lo if person.born_lo is None else min(person.born_lo, lo)
            person.born_hi = hi if person.born_hi is None else max(person.born_hi, hi)
    return person


def _name_keys(row: dict[str, object]) -> set[str]:
    """Keys a name is found by: its forename keys (nicknames too) and its surname key."""
    found: set[str] = set()
    if row["forename_key"] and len(str(row["forename_key"])) > 1:
        found.add(str(row["forename_key"]))
    for key in row.get("forename_keys") or ():  # type: ignore[attr-defined]
        if len(key) > 1:
            found.add(key)
    if row["surname_key"]:
        found.add(str(row["surname_key"]))
    elif row["name_clean"] and " " not in str(row["name_clean"]):
        # A one-word name may be a surname: "Jurková" is found by "jurkov".
        found.add(names.surname_key(str(row["name_clean"])))
    return found


def _context(row: dict[str, object]) -> set[str]:
    found: set[str] = set()
    for column in CONTEXT_COLUMNS:
        value = row.get(column)
        if value is None:
            continue
        values: Iterable[object] = value if isinstance(value, list) else (value,)
        found |= {f"{column}:{v}" for v in values}
    return found


def _names_agree(fragment: _Person, other: _Person) -> bool:
    """Whether a name of the fragment is a name of the other.

    A fragment with a full name must meet a full name: "Christopher Winter"
    is not the "Christopher" of Christopher Booth's records, however well
    the forenames agree.
    """
    full = [n for n in fragment.names if " " in n]
    if full:
        theirs = [n for n in other.names if " " in n]
        return any(_alike(a, b, FULL_NAME_FLOOR) for a in full for b in theirs)
    return any(_alike(a, b, ONE_WORD_FLOOR) for a in fragment.names for b in other.names)


def _alike(a: str, b: str, floor: names.NameLevel) -> bool:
    level = names.compare(a, b)
    return level is not None and level >= floor


def _birth(fragment: _Person, other: _Person) -> bool | None:
    """Whether birth evidence agrees (None when either side has none)."""
    if fragment.born_lo is None or other.born_lo is None:
        return None
    assert fragment.born_hi is not None and other.born_hi is not None
    gap = max(fragment.born_lo - other.born_hi, other.born_lo - fragment.born_hi)
    return gap <= BIRTH_AGREES_DAYS


def _place(
    fragment: _Person, fitting: Sequence[int], people: Sequence[_Person], *, by_birth: bool
) -> int | None:
    """The one person a fragment is, of those who fit it; None when it is not clear."""
    sharing = [i for i in fitting if fragment.context & people[i].context]
    if sharing:
        return sharing[0] if len(sharing) == 1 else None
    # Staff named in their agency's own records are one of its few staff.
    colleagues = [i for i in fitting if fragment.staff & people[i].staff]
    if colleagues:
        return colleagues[0] if len(colleagues) == 1 else None
    if not by_birth:
        return None
    births = [_birth(fragment, people[i]) for i in fitting]
    agreeing = [i for i, agrees in zip(fitting, births, strict=True) if agrees]
    if len(agreeing) == 1 and all(agrees is not None for agrees in births):
        return agreeing[0]
    return None


def joined(features: pa.Table, clusters: Sequence[Sequence[int]]) -> list[list[int]]:
    """The clusters with each fragment joined to the one person it can only be.

    Args:
        features: Person features (`features.PERSON_SCHEMA`, any collective
            columns), keyed by `unique_id`.
        clusters: Mention unique ids grouped into people.

    Returns:
        The clusters, fragments joined; every mention in exactly one.
    """
    wanted = [
        "unique_id",
        "record_id",
        "staff",
        "forename",
        "surname",
        "gender",
        "identifiers",
        "dob",
        "birth_lo",
        "birth_hi",
        "name_clean",
        "forename_key",
        "forename_keys",
        "surname_key",
        *(c for c in CONTEXT_COLUMNS if c in features.column_names),
        # One mention per person in a deduplicated register (`consistency.SOURCE`).
        *(c for c in (consistency.SOURCE,) if c in features.column_names),
    ]
    row_of = {row["unique_id"]: row for row in features.select(wanted).to_pylist()}
    people = [_person([row_of[m] for m in cluster]) for cluster in clusters]
    by_key: dict[str, list[int]] = defaultdict(list)
    by_context: dict[str, list[int]] = defaultdict(list)
    for index, person in enumerate(people):
        for key in person.keys:
            by_key[key].append(index)
        for value in person.context:
            by_context[value].append(index)
    # A youth worker named with hundreds, a hostel's address: what many
    # people share singles no one out.
    common = {v for v, holders in by_context.items() if len(holders) > MAX_SHARING}
    for person in people:
        person.context -= common
    into: dict[int, int] = {}
    for index, cluster in enumerate(clusters):
        fragment = people[index]
        if len(cluster) > MAX_FRAGMENT or not fragment.names:
            continue
        bearers = [by_key[key] for key in fragment.keys if key in by_key]
        # One key borne by more than the fragment and MAX_NAMESAKES_BY_BIRTH
        # others settles it, without gathering thousands of "John"s.
        common_name = any(len(b) > MAX_NAMESAKES_BY_BIRTH + 1 for b in bearers)
        namesakes: set[int] = set()
        if not common_name or fragment.staff:
            namesakes = {i for b in bearers for i in b}
            namesakes.discard(index)
        sharing = {i for v in fragment.context for i in by_context[v]}
        sharing.discard(index)
        # A rare name is looked for among all who bear it; any name among
        # those sharing context, whatever its keys: a name keyed with two
        # slips ("Jreemy Snith") shares none of them.
        by_birth = not common_name and len(namesakes) <= MAX_NAMESAKES_BY_BIRTH
        candidates = (namesakes | sharing) if by_birth else sharing
        if fragment.staff:
            # "Lee" of the youth service among its staff, however common the name.
            candidates |= {i for i in namesakes if people[i].staff & fragment.staff}
        fitting = sorted(
            i
            for i in candidates
            if not consistency._contradict(fragment.facts, people[i].facts)
            and _names_agree(fragment, people[i])
        )
        chosen = _place(fragment, fitting, people, by_birth=by_birth)
        if chosen is not None:
            into[index] = chosen
    return _merged(clusters, people, into)


def _merged(
    clusters: Sequence[Sequence[int]], people: list[_Person], into: dict[int, int]
) -> list[list[int]]:
    """Joins each fragment into its person, smallest first, never across a contradiction."""
    home = list(range(len(clusters)))

    def find(i: int) -> int:
        while home[i] != i:
            home[i] = home[home[i]]
            i = home[i]
        return i

    members = [list(c) for c in clusters]
    for fragment in sorted(into, key=lambda i: (len(clusters[i]), i)):
        a, b = find(fragment), find(into[fragment])
        if a == b or consistency._contradict(people[a].facts, people[b].facts):
            continue
        people[b].facts.absorb(people[a].facts)
        members[b] += members[a]
        members[a] = []
        home[a] = b
    return [sorted(m) for m in members if m]
