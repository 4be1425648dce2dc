"""Fragments (a one-word name, a name with slips) join the one person they can only be."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from vigil.core.linkage.features import PERSON_SCHEMA
from vigil.core.linkage.fragments import MAX_NAMESAKES_BY_BIRTH, joined
from vigil.core.normalise import names

YEAR = 365
SCHEMA = PERSON_SCHEMA.append(pa.field("vehicles", pa.list_(pa.string()))).append(
    pa.field("associates", pa.list_(pa.string()))
)


def mention(name: str, **values: Any) -> dict[str, Any]:
    """A person mention as features give it, from a name as written."""
    value = names.parse(name)
    assert value is not None
    return {
        "name_clean": value.clean,
        "forename": value.forenames[0],
        "forename_key": value.forename_key,
        "forename_keys": sorted(value.forename_keys),
        "surname": value.surname,
        "surname_key": value.surname_key,
        **values,
    }


def born(year: int) -> dict[str, int]:
    """Birth evidence of about a year, `year` years after 1970."""
    return {"birth_lo": year * YEAR, "birth_hi": year * YEAR + YEAR}


def table(*mentions: dict[str, Any]) -> pa.Table:
    rows = [
        dict.fromkeys(SCHEMA.names) | {"unique_id": i, "record_id": f"r{i}"} | m
        for i, m in enumerate(mentions)
    ]
    return pa.Table.from_pylist(rows, schema=SCHEMA)


def groups(features: pa.Table, clusters: list[list[int]]) -> list[set[int]]:
    return sorted((set(c) for c in joined(features, clusters)), key=min)


def test_a_surname_alone_joins_the_only_person_of_that_name_and_age() -> None:
    features = table(
        mention("Stela Jurkova", gender="f", **born(11)),
        mention("Stela Jurková", gender="f", **born(11)),
        mention("Jurková", gender="f", **born(11)),
        mention("Olga Novak", gender="f", **born(11)),
    )
    assert groups(features, [[0, 1], [2], [3]]) == [{0, 1, 2}, {3}]


def test_a_nickname_at_the_same_address_joins_and_a_stranger_does_not() -> None:
    features = table(
        mention("Clifford Power", gender="m", address_key="66 miller drive"),
        mention("Cliff", gender="m", address_key="66 miller drive"),
        mention("Kevin", gender="m", address_key="66 miller drive"),
    )
    assert groups(features, [[0], [1], [2]]) == [{0, 1}, {2}]


def test_two_people_who_fit_as_well_leave_the_fragment_alone() -> None:
    # Brothers at one address: "Khan" could be either.
    features = table(
        mention("Nasir Khan", gender="m", address_key="12 oak street", **born(20)),
        mention("Nauman Khan", gender="m", address_key="12 oak street", **born(22)),
        mention("Khan", gender="m", address_key="12 oak street"),
    )
    assert groups(features, [[0], [1], [2]]) == [{0}, {1}, {2}]


def test_nothing_but_a_name_and_an_age_is_not_enough_for_a_common_name() -> None:
    # Many Pauls: one of them born the same year is a coincidence, not evidence.
    many = [mention(f"Paul Surname{i}", gender="m", **born(i)) for i in range(50)]
    features = table(*many, mention("Paul", gender="m", **born(3)))
    assert len(many) > MAX_NAMESAKES_BY_BIRTH
    clusters = [[i] for i in range(len(many) + 1)]
    assert groups(features, clusters) == [{i} for i in range(len(many) + 1)]


def test_a_contradiction_keeps_a_fragment_out() -> None:
    features = table(
        mention("Amanda Patel", gender="f", dob="1983-01-24", **born(13)),
        mention("Amanda", gender="f", dob="1990-07-02", **born(20)),
    )
    assert groups(features, [[0], [1]]) == [{0}, {1}]


def test_a_full_name_must_meet_a_full_name() -> None:
    # "Christopher Winter" is not the "Christopher" of Christopher Booth's records.
    features = table(
        mention("Christopher Booth", gender="m", **born(10)),
        mention("Christopher", gender="m", **born(10)),
        mention("Christopher Winter", gender="m", **born(10)),
    )
    assert groups(features, [[0, 1], [2]]) == [{0, 1}, {2}]


def test_a_name_with_slips_joins_through_shared_context() -> None:
    features = table(
        mention("Jeremy Smith", gender="m", vehicles=["vehicle:1"], **born(17)),
        mention("Jeremy Smith", gender="m", **born(17)),
        mention("Jreemy Snith", gender="m", vehicles=["vehicle:1"]),
    )
    assert groups(features, [[0, 1], [2]]) == [{0, 1, 2}]


def test_context_many_people_share_is_no_evidence() -> None:
    # A youth worker named with everyone says nothing about who "Kimberley" is.
    crowd = [
        mention(f"Kimberley Person{i}", gender="f", associates=["p:worker"]) for i in range(20)
    ]
    features = table(*crowd, mention("Kimberley", gender="f", associates=["p:worker"]))
    clusters = [[i] for i in range(len(crowd) + 1)]
    assert len(joined(features, clusters)) == len(crowd) + 1


def test_staff_named_in_part_join_the_one_colleague_they_fit() -> None:
    # "Lee" of the youth service is its Nathan Lee, however many Lees the town holds;
    # "Lee" named as staff of another agency, or not as staff at all, is not.
    youth = {"staff": "youth_service"}
    lees = [mention(f"{first} Lee", **born(i)) for i, first in enumerate(("Amy", "Joe"), 20)]
    features = table(
        mention("Nathan Lee", **youth),
        mention("Nathan Lee", **youth),
        mention("Lee", **youth),
        mention("Lee", staff="police"),
        mention("Lee"),
        mention("Ross Martin", **youth),
        *lees,
    )
    clusters = [[0, 1], [2], [3], [4], [5], [6], [7]]
    assert groups(features, clusters) == [{0, 1, 2}, {3}, {4}, {5}, {6}, {7}]


def test_staff_named_in_part_fitting_two_colleagues_is_left_alone() -> None:
    youth = {"staff": "youth_service"}
    features = table(
        mention("Nathan Lee", **youth),
        mention("Lee Walsh", **youth),
        mention("Lee", **youth),
    )
    assert groups(features, [[0], [1], [2]]) == [{0}, {1}, {2}]
