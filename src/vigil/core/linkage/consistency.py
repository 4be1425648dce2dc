"""Person clusters that never hold mentions which contradict each other.

Joining every pair above a threshold (connected components) lets one weak
mention bridge two people: "N. Latif" scores well against both Nasir and
Nauman Latif, and the brothers become one. Here pairs are taken strongest
first, and two clusters join only when nothing in one contradicts anything
in the other. What counts as a contradiction is what the same person's
mentions never show in any agency's records:

- two genders;
- two values of one official identifier scheme (two NHS numbers) that no
  slip of the keyboard explains;
- two full dates of birth that no slip of the keyboard explains (a year
  one or two out, or day and month swapped are slips; anything else is not);
- birth evidence years apart (an age guess is out by two years at most);
- two mentions in one record (a record names each person once), or in
  one register declared deduplicated (`SOURCE`: each person once in it);
- two colleagues: staff named in full in their own agency's records under
  surnames no slip explains (Jane Day and Jane O'Sullivan of the youth
  service are two workers, however many "Jane"s sit between them);
- a pair in which a name is given only in part ("Frank", one word) joining
  two people whose full names are nothing alike (Frank Singh and Frank
  Pearson): the part fits both, and says nothing of which.

Dates of birth and official numbers are keyed by hand, and now and then one
is simply wrong (another family member's date, a number from another form).
So one vouches for the other: a linked pair whose two mentions share an
official number joins across dates of birth that disagree, and one whose
two mentions give the same full date of birth joins across numbers that
disagree. Both wrong at once is no slip, and stays a contradiction. Where
the trained model found one person's mentions carrying two numbers of one
scheme often (pairs tagged `NUMBERS_MISTAKEN`), numbers are evidence the
model has weighed, and no contradiction at all. Between two deduplicated
registers, a date of birth is evidence the model has weighed too: each
register names a person once, so pairs taken strongest first match each
mention to its best counterpart, and namesakes stay apart without the veto.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import igraph
import pyarrow as pa
import pyarrow.compute as pc
from jellyfish import damerau_levenshtein_distance, levenshtein_distance

from vigil.core.normalise import names

# Birth evidence further apart than this (in days) is two people: ages are
# guessed two years out at most, and a stated age spans one year.
MAX_BIRTH_GAP_DAYS = 5 * 365
# A year keyed one or two out, on the same day and month, is a slip.
MAX_DOB_YEAR_SLIP = 2
# An identifier keyed this many edits out (a digit wrong, two swapped) is a slip.
MAX_IDENTIFIER_SLIP = 2
MIN_NUMBER_FOR_SLIP = 6
# Surnames this many edits apart (or more, in long names) may be typing slips.
MAX_NAME_SLIP = 2
# Pairs whose schema metadata holds this key come from records in which
# numbers are often mistaken (`persons.numbers_mistaken`).
NUMBERS_MISTAKEN = b"vigil.numbers_mistaken"
# The optional feature column naming a mention's deduplicated register (null
# for a mention from records that may name one person many times).
SOURCE = "source"


@dataclass(slots=True)
class _Facts:
    """What a cluster's mentions say, to check a join against."""

    members: list[int]
    records: set[str] = field(default_factory=set)
    sources: set[str] = field(default_factory=set)
    genders: set[str] = field(default_factory=set)
    identifiers: dict[str, set[str]] = field(default_factory=dict)
    dobs: set[str] = field(default_factory=set)
    # Staff named in full: (forename, surname) as written, cleaned.
    staff_names: set[tuple[str, str]] = field(default_factory=set)
    # Everyone's names with a surname, clean (the forename may be an initial).
    full_names: set[str] = field(default_factory=set)
    # Latest earliest birth day and earliest latest birth day of any member.
    birth_lo: int | None = None
    birth_hi: int | None = None

    def absorb(self, other: _Facts) -> None:
        self.members += other.members
        self.records |= other.records
        self.sources |= other.sources
        self.genders |= other.genders
        for scheme, values in other.identifiers.items():
            self.identifiers.setdefault(scheme, set()).update(values)
        self.dobs |= other.dobs
        self.staff_names |= other.staff_names
        self.full_names |= other.full_names
        if other.birth_lo is not None and other.birth_hi is not None:
            self.birth_lo = (
                other.birth_lo if self.birth_lo is None else max(self.birth_lo, other.birth_lo)
            )
            self.birth_hi = (
                other.birth_hi if self.birth_hi is None else min(self.birth_hi, other.birth_hi)
            )


def dobs_agree(left: str, right: str) -> bool:
    """Whether two full dates of birth (YYYY-MM-DD) may be one person's.

    Args:
        left: A date of birth.
        right: Another.
    """
    if left == right:
        return True
    years = abs(int(left[:4]) - int(right[:4]))
    same_day = left[5:] == right[5:]
    swapped = left[5:7] == right[8:10] and left[8:10] == right[5:7]
    return years <= MAX_DOB_YEAR_SLIP and (same_day or swapped)


def identifiers_agree(left: str, right: str) -> bool:
    """Whether two numbers of one identifier scheme may be one person's.

    The same number, or one keyed with a slip: as long, and a digit or two
    out (one wrong, or two swapped). Short numbers have no room for slips:
    two of them a digit apart are simply two numbers. Check digits make a slip in a real NHS
    number an invalid number, never another person's.

    Args:
        left: A number.
        right: Another of the same scheme.
    """
    return left == right or (
        len(left) == len(right) >= MIN_NUMBER_FOR_SLIP
        and levenshtein_distance(left, right) <= MAX_IDENTIFIER_SLIP
    )


def staff_names_agree(left: tuple[str, str], right: tuple[str, str]) -> bool:
    """Whether two full names of staff may be one colleague's.

    The surnames agree up to a slip, or the whole name is written the other way
    round ("Day Jane"), or the name property type finds the names alike (a
    nickname written the other way round: "White Terry", "Terence White").
    Forenames alone are not compared: nicknames and initials vary.

    Args:
        left: (forename, surname).
        right: Another.
    """
    (fore_l, sur_l), (fore_r, sur_r) = left, right
    if _names_slip(sur_l, sur_r):
        return True
    if _names_slip(sur_l, fore_r) and _names_slip(fore_l, sur_r):
        return True
    return _names_alike(f"{fore_l} {sur_l}", f"{fore_r} {sur_r}")


def _names_slip(left: str, right: str) -> bool:
    """The same name, or near enough that typing explains it.

    Both sides may carry typos ("Rtia Norrks", "Rita Noris"), so up to half the
    shorter name's letters, and never fewer than two, may differ: only names
    plainly unlike each other ("Day", "O'Sullivan") tell two colleagues apart.
    """
    allowed = max(MAX_NAME_SLIP, min(len(left), len(right)) // 2)
    return damerau_levenshtein_distance(left, right) <= allowed


def _same_number(left: Sequence[str], right: Sequence[str]) -> bool:
    """Whether two mentions' "scheme:number" lists share a number (allowing a slip)."""
    for value in left:
        scheme, _, number = value.partition(":")
        for other in right:
            theirs, _, their_number = other.partition(":")
            if scheme == theirs and identifiers_agree(number, their_number):
                return True
    return False


def names_disagree(a: set[str], b: set[str]) -> bool:
    """Whether no full name of one person may be a full name of another.

    Full names are compared whole by the name property type (spelt two ways,
    nicknames, initials, swapped, typing slips); none alike is two people.

    Args:
        a: One cluster's full names, clean ("frank singh", "f singh").
        b: Another's.
    """
    if not a or not b or a & b:
        return False
    return not any(_names_alike(mine, theirs) for mine in a for theirs in b)


@lru_cache(maxsize=1 << 16)
def _names_alike(a: str, b: str) -> bool:
    level = names.compare(a, b)
    # No level (a name that parses to nothing) says nothing against.
    return level is None or level > names.NameLevel.NONE


def _contradict(
    a: _Facts,
    b: _Facts,
    *,
    numbers_vouched: bool = False,
    birth_vouched: bool = False,
    named_in_part: bool = False,
) -> bool:
    if a.records & b.records or a.sources & b.sources:
        return True
    if len(a.genders | b.genders) > 1:
        return True
    for mine in a.staff_names:
        if any(not staff_names_agree(mine, theirs) for theirs in b.staff_names):
            return True
    # "Frank" (no surname) fits Frank Singh and Frank Pearson alike: a pair
    # with a name in part says nothing of which, and cannot make the two one.
    if named_in_part and names_disagree(a.full_names, b.full_names):
        return True
    if not numbers_vouched:
        for scheme, values in a.identifiers.items():
            theirs = b.identifiers.get(scheme)
            if theirs and not any(identifiers_agree(x, y) for x in values for y in theirs):
                return True
    if birth_vouched:
        return False
    if a.birth_lo is not None and b.birth_lo is not None:
        assert a.birth_hi is not None and b.birth_hi is not None
        if max(a.birth_lo - b.birth_hi, b.birth_lo - a.birth_hi) > MAX_BIRTH_GAP_DAYS:
            return True
    return any(not dobs_agree(x, y) for x in a.dobs for y in b.dobs)


def _named_in_part(forename: object, surname: object) -> bool:
    """A name of one word ("Frank", "Singh"): it fits many people."""
    return bool(forename) and not surname


def _facts(row: dict[str, object]) -> _Facts:
    facts = _Facts(members=[int(row["unique_id"])])  # type: ignore[call-overload]
    facts.records.add(str(row["record_id"]))
    if row.get(SOURCE):
        facts.sources.add(str(row[SOURCE]))
    if row["gender"]:
        facts.genders.add(str(row["gender"]))
    for value in row["identifiers"] or ():  # type: ignore[attr-defined]
        scheme, _, number = str(value).partition(":")
        facts.identifiers.setdefault(scheme, set()).add(number)
    if row["dob"]:
        facts.dobs.add(str(row["dob"]))
    forename, surname = row.get("forename"), row.get("surname")
    if forename and surname:
        facts.full_names.add(f"{forename} {surname}")
        if row.get("staff") and len(str(forename)) > 1:
            facts.staff_names.add((str(forename).upper(), str(surname).upper()))
    if row["birth_lo"] is not None:
        facts.birth_lo = int(row["birth_lo"])  # type: ignore[call-overload]
        facts.birth_hi = int(row["birth_hi"])  # type: ignore[call-overload]
    return facts


_COLUMNS = [
    "unique_id",
    "record_id",
    "gender",
    "identifiers",
    "dob",
    "birth_lo",
    "birth_hi",
    "staff",
    "forename",
    "surname",
    SOURCE,
]


def with_sources(features: pa.Table) -> pa.Table:
    """The features with the `SOURCE` column, null where they carry none."""
    if SOURCE in features.column_names:
        return features
    return features.append_column(SOURCE, pa.nulls(features.num_rows, pa.string()))


def consistent_clusters(features: pa.Table, pairs: pa.Table) -> list[list[int]]:
    """Clusters of mentions, joined pair by pair, strongest first, never across a contradiction.

    Pairs never join across connected components, so each component is
    clustered on its own; and one in which no two mentions contradict each
    other (one record each, one gender, one date of birth, one number per
    scheme, birth evidence close enough) ends as one cluster whatever order
    its pairs come in. Only the rest, a small share of a town, is joined
    pair by pair.

    Args:
        features: Person features (`unique_id`, `record_id`, `gender`,
            `identifiers`, `dob`, `birth_lo`, `birth_hi`, `staff`, `forename`,
            `surname`).
        pairs: Linked pairs (`unique_id_l`, `unique_id_r`, and `match_weight` or
            `match_probability`).

    Returns:
        Every mention's unique id in exactly one cluster, in the order of
        their first mention in `features`, each cluster sorted.
    """
    features = with_sources(features).select(_COLUMNS)
    ids = features.column("unique_id").combine_chunks()
    left = pc.index_in(pairs.column("unique_id_l"), value_set=ids)
    right = pc.index_in(pairs.column("unique_id_r"), value_set=ids)
    if left.null_count or right.null_count:
        raise ValueError("a pair names a mention the features do not hold")
    graph = igraph.Graph(
        n=features.num_rows,
        edges=list(zip(left.to_pylist(), right.to_pylist(), strict=True)),
    )
    component = pa.array(graph.connected_components().membership, pa.int64())
    tangled = _tangled_components(features.append_column("component", component))
    found: list[list[int]] = []
    if tangled:
        tangled_set = pa.array(sorted(tangled), pa.int64())
        inside = pc.is_in(component, value_set=tangled_set)
        paired = pc.is_in(pc.take(component, left), value_set=tangled_set)
        found = _joined_pair_by_pair(features.filter(inside), pairs.filter(paired))
        component = pc.if_else(inside, None, component)
    members: dict[int, list[int]] = {}
    for unique_id, which in zip(ids.to_pylist(), component.to_pylist(), strict=True):
        if which is not None:
            members.setdefault(which, []).append(unique_id)
    found += members.values()
    position = {unique_id: i for i, unique_id in enumerate(ids.to_pylist())}
    found = [sorted(c) for c in found]
    found.sort(key=lambda c: min(position[m] for m in c))
    return found


def _tangled_components(features: pa.Table) -> set[int]:
    """Components in which some two mentions may contradict each other.

    Counted without the slips and vouching `_contradict` allows, so some
    components named here turn out consistent after all; none left out is not.

    Args:
        features: Person features with a `component` column.
    """
    counts = features.group_by("component").aggregate(
        [
            ("record_id", "count_distinct"),
            (SOURCE, "count_distinct"),
            (SOURCE, "count"),
            ("unique_id", "count"),
            ("gender", "count_distinct"),
            ("dob", "count_distinct"),
            ("birth_lo", "max"),
            ("birth_hi", "min"),
        ]
    )
    gap = pc.subtract(counts.column("birth_lo_max"), counts.column("birth_hi_min"))
    tangled = pc.or_(
        pc.or_(
            pc.less(counts.column("record_id_count_distinct"), counts.column("unique_id_count")),
            pc.or_(
                pc.greater(counts.column("gender_count_distinct"), 1),
                pc.less(
                    counts.column(f"{SOURCE}_count_distinct"), counts.column(f"{SOURCE}_count")
                ),
            ),
        ),
        pc.or_(
            pc.greater(counts.column("dob_count_distinct"), 1),
            pc.fill_null(pc.greater(gap, MAX_BIRTH_GAP_DAYS), False),
        ),
    )
    found = set(counts.column("component").filter(tangled).to_pylist())
    # Staff named in full under two surnames: maybe two colleagues.
    named_staff = features.filter(
        pc.and_(
            pc.is_valid(features.column("staff")),
            pc.and_(
                pc.greater(pc.utf8_length(pc.fill_null(features.column("forename"), "")), 1),
                pc.is_valid(features.column("surname")),
            ),
        )
    )
    if named_staff.num_rows:
        surnames = (
            named_staff.select(["component", "surname"])
            .append_column("upper", pc.utf8_upper(named_staff.column("surname")))
            .group_by("component")
            .aggregate([("upper", "count_distinct")])
        )
        found |= set(
            surnames.column("component")
            .filter(pc.greater(surnames.column("upper_count_distinct"), 1))
            .to_pylist()
        )
    # A name in part among two full names: maybe two people it fits.
    named = features.filter(pc.is_valid(features.column("forename")))
    if named.num_rows:
        surname = named.column("surname")
        per_component = (
            pa.table(
                {
                    "component": named.column("component"),
                    "part": pc.cast(pc.is_null(surname), pa.int64()),
                    "full": pc.binary_join_element_wise(named.column("forename"), surname, " "),
                }
            )
            .group_by("component")
            .aggregate([("part", "sum"), ("full", "count_distinct")])
        )
        found |= set(
            per_component.column("component")
            .filter(
                pc.and_(
                    pc.greater(per_component.column("part_sum"), 0),
                    pc.greater(per_component.column("full_count_distinct"), 1),
                )
            )
            .to_pylist()
        )
    # Two numbers of one scheme in a component: "nhs:123" and "nhs:456".
    numbered = features.select(["component", "identifiers"]).filter(
        pc.is_valid(features.column("identifiers"))
    )
    if numbered.num_rows:
        flat = pc.list_flatten(numbered.column("identifiers"))
        owner = pc.take(
            numbered.column("component"), pc.list_parent_indices(numbered.column("identifiers"))
        )
        scheme = pc.list_element(pc.split_pattern(flat, ":", max_splits=1), 0)
        per_scheme = (
            pa.table({"component": owner, "scheme": scheme, "value": flat})
            .group_by(["component", "scheme"])
            .aggregate([("value", "count_distinct")])
        )
        found |= set(
            per_scheme.column("component")
            .filter(pc.greater(per_scheme.column("value_count_distinct"), 1))
            .to_pylist()
        )
    return found


def _joined_pair_by_pair(features: pa.Table, pairs: pa.Table) -> list[list[int]]:
    """Clusters joined pair by pair, strongest first, never across a contradiction."""
    features = with_sources(features)
    columns = _COLUMNS
    cluster_of: dict[int, _Facts] = {}
    # Each mention's own date of birth and numbers, for what a pair vouches for,
    # whether it is named in part (one word),
    # and whether it comes from a deduplicated register.
    own: dict[int, tuple[str | None, Sequence[str]]] = {}
    in_part: set[int] = set()
    registered: set[int] = set()
    for row in features.select(columns).to_pylist():
        facts = _facts(row)
        cluster_of[facts.members[0]] = facts
        own[facts.members[0]] = (row["dob"], row["identifiers"] or ())
        if _named_in_part(row["forename"], row["surname"]):
            in_part.add(facts.members[0])
        if facts.sources:
            registered.add(facts.members[0])
    # By weight where there is one: probabilities round to 1.0 and tie long before weights do.
    strength = "match_weight" if "match_weight" in pairs.column_names else "match_probability"
    numbers_mistaken = NUMBERS_MISTAKEN in (pairs.schema.metadata or {})
    ordered = pairs.sort_by(
        [
            (strength, "descending"),
            ("unique_id_l", "ascending"),
            ("unique_id_r", "ascending"),
        ]
    )
    for left, right in zip(
        ordered.column("unique_id_l").to_pylist(),
        ordered.column("unique_id_r").to_pylist(),
        strict=True,
    ):
        a, b = cluster_of[left], cluster_of[right]
        if a is b:
            continue
        (dob_l, numbers_l), (dob_r, numbers_r) = own[left], own[right]
        if _contradict(
            a,
            b,
            numbers_vouched=numbers_mistaken or (dob_l is not None and dob_l == dob_r),
            birth_vouched=_same_number(numbers_l, numbers_r)
            or (left in registered and right in registered),
            named_in_part=left in in_part or right in in_part,
        ):
            continue
        if len(a.members) < len(b.members):
            a, b = b, a
        a.absorb(b)
        for member in b.members:
            cluster_of[member] = a
    seen: set[int] = set()
    found: list[list[int]] = []
    for facts in cluster_of.values():
        if id(facts) not in seen:
            seen.add(id(facts))
            found.append(facts.members)
    return found
