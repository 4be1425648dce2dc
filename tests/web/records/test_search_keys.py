"""Search keys only ever widen a search: whatever the property type calls a match shares a key.

Every pair drawn from names written in the many ways the name type reads
(nicknames, transliterations, swapped order, one word, particles, double
barrels, typing slips) is compared by `names.compare`; wherever it says
PHONETIC or stronger, the query's keys must meet the stored keys. The same for
plates (partial on either side) and postcodes at every precision.
"""

from __future__ import annotations

import itertools

import pytest

from vigil.core.normalise import names, postcodes, vehicles
from vigil.web.records import search_keys

WRITTEN = [
    "Kayleigh Smith",
    "SMITH, Kayleigh",
    "Kayley Smyth",
    "Kaleigh Smithe",
    "Mohammed Khan",
    "Muhammad Kahn",
    "Mohamed Khan aka Mo",
    "KHAN Mohammed",
    "Mo Khan",
    "Elizabeth Kowalska",
    "Liz Kowalski",
    "Beth Kowalsky",
    "Piotr Ivanova",
    "Peter Ivanov",
    "Zia ul Haq",
    "Zia Haq",
    "Ahmed al-Hassan",
    "Ahmad Hassan",
    "Jane Smith-Jones",
    "Jane Jones",
    "Jayne Smith",
    "Jon Stephenson",
    "John Stevenson",
    "Johnny Stevens",
    "Stevens John",
    "Mo",
    "Smith",
    "Khan",
    "Kayla",
    "Mr J. A. Smith",
    "Dr Sean O'Neill",
    "Shaun Oneil",
    "Siobhan MacDonald",
    "Shivon McDonald",
    "Catherine Brown",
    "Kathryn Braun",
    "Kate Browne",
    "Aleksandr Petrov",
    "Alexander Petrova",
    "Sasha Petrov",
    "Zoë Müller",
    "Zoe Mueller",
    "Tyrone Davies",
    "Tyrone Davis",
    "Davies Tyrone",
]


def test_a_name_the_name_type_matches_always_shares_a_key() -> None:
    stored = {written: search_keys.name_keys(written) for written in WRITTEN}
    missed = []
    for query, other in itertools.product(WRITTEN, WRITTEN):
        level = names.compare(query, other)
        if level is None or level < names.NameLevel.PHONETIC:
            continue
        if not search_keys.name_query_keys(query) & stored[other]:
            missed.append((query, other, level.name))
    assert missed == []


def test_a_name_the_name_type_matches_also_shares_a_forename_key() -> None:
    stored = {written: search_keys.name_keys(written) for written in WRITTEN}
    missed = []
    for query, other in itertools.product(WRITTEN, WRITTEN):
        level = names.compare(query, other)
        if level is None or level < names.NameLevel.PHONETIC:
            continue
        forenames = search_keys.name_query_forename_keys(query)
        if forenames is not None and not forenames & stored[other]:
            missed.append((query, other, level.name))
    assert missed == []


def test_forename_keys_narrow_a_common_surname() -> None:
    forenames = search_keys.name_query_forename_keys("Kayleigh Smith")
    assert forenames is not None
    assert not forenames & search_keys.name_keys("Tyrone Smith")
    assert forenames & search_keys.name_keys("Smith")  # one word: may be the forename
    assert search_keys.name_query_forename_keys("Smith") is None


def test_name_keys_narrow_the_search() -> None:
    # A different surname shares no key with the query, so it is never read.
    assert not search_keys.name_query_keys("Kayleigh Smith") & search_keys.name_keys(
        "Kayleigh Okafor"
    )
    assert search_keys.name_keys("Mo") and all(
        k.startswith(search_keys.ONE_WORD) for k in search_keys.name_keys("Mo")
    )
    assert search_keys.name_keys("N/K") == frozenset()


PLATES = ["YB02KLM", "YB02KLN", "YB03KLM", "XB02KLM", "AB12CDE", "YB02KL?", "YB0?KLM", "?B02KLM",
          "YB*", "*KLM", "Y?02K?M"]  # fmt: skip
QUERIES = ["YB02 KLM", "YB02 K??", "YB0? KLM", "?B02 KLM", "YB02*", "*KLM", "yb02-klm", "Y",
           "??02 KLM", "*2KLM", "?B0? KL?"]  # fmt: skip


def _found_by_index(query: str, plate: str) -> bool:
    asked = search_keys.vrm_query(query)
    kept = search_keys.vrm_key(plate)
    assert asked is not None and kept is not None
    head, heads = asked
    kind, key = kept
    if kind == search_keys.VRM:
        return key.startswith(head)
    return key in heads or key.startswith(head)


def _found_by_tail_index(query: str, plate: str) -> bool:
    asked = search_keys.vrm_tail_query(query)
    kept = search_keys.vrm_tail_key(plate)
    assert asked is not None and kept is not None
    tail, tails = asked
    return kept in tails or kept.startswith(tail)


@pytest.mark.parametrize("query", QUERIES)
def test_a_plate_the_vehicle_type_matches_is_found_by_its_tail(query: str) -> None:
    for plate in PLATES:
        level = vehicles.compare(query, plate)
        if level is not None and level >= vehicles.VrmLevel.COMPATIBLE:
            assert _found_by_tail_index(query, plate), (query, plate)
    assert not _found_by_tail_index("??02 KLM", "AB12CDE")
    assert not _found_by_tail_index("?B02 KLM", "YB02KLN")


@pytest.mark.parametrize("query", QUERIES)
def test_a_plate_the_vehicle_type_matches_is_found_by_the_index(query: str) -> None:
    for plate in PLATES:
        level = vehicles.compare(query, plate)
        if level is not None and level >= vehicles.VrmLevel.COMPATIBLE:
            assert _found_by_index(query, plate), (query, plate)
    assert not _found_by_index("YB02 K??", "AB12CDE")


@pytest.mark.parametrize("query", ["S60 1AA", "S60 1", "S60", "s601aa", "S"])
def test_a_postcode_is_keyed_at_every_precision(query: str) -> None:
    wanted = postcodes.parse(query)
    assert wanted is not None
    key = getattr(wanted, wanted.precision.name.lower())
    assert key in postcodes.keys("S60 1AA")
    assert key not in postcodes.keys("S61 2AB") or wanted.precision.name in ("AREA",)
