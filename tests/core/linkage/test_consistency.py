"""Clusters never hold mentions that contradict each other."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from vigil.core.linkage.consistency import (
    SOURCE,
    consistent_clusters,
    dobs_agree,
    identifiers_agree,
    staff_names_agree,
)
from vigil.core.linkage.features import PERSON_SCHEMA


def features(*mentions: dict[str, Any]) -> pa.Table:
    rows = [
        dict.fromkeys(PERSON_SCHEMA.names) | {"unique_id": i, "record_id": f"r{i}"} | mention
        for i, mention in enumerate(mentions)
    ]
    return pa.Table.from_pylist(rows, schema=PERSON_SCHEMA)


def pairs(*scored: tuple[int, int, float]) -> pa.Table:
    left, right, probability = zip(*scored, strict=True)
    return pa.table({"unique_id_l": left, "unique_id_r": right, "match_probability": probability})


def groups(table: pa.Table, linked: pa.Table) -> list[set[int]]:
    return sorted((set(c) for c in consistent_clusters(table, linked)), key=min)


def test_slips_of_the_keyboard_agree_and_other_dates_do_not() -> None:
    assert dobs_agree("1987-03-02", "1987-02-03")
    assert dobs_agree("1987-03-02", "1988-03-02")
    assert dobs_agree("1987-03-02", "1986-02-03")
    assert not dobs_agree("1987-03-02", "1987-03-12")
    assert not dobs_agree("1987-03-02", "1990-03-02")


def test_a_weak_mention_does_not_bridge_two_people() -> None:
    # "N. Latif" scores against both brothers; the stronger pair wins, the other is refused.
    table = features(
        {"dob": "1990-01-01", "gender": "m"},
        {"dob": "1994-06-30", "gender": "m"},
        {"gender": "m"},
    )
    assert groups(table, pairs((0, 2, 0.9), (1, 2, 0.8))) == [{0, 2}, {1}]


def test_genders_identifiers_birth_and_records_are_contradictions() -> None:
    table = features(
        {"gender": "m"},
        {"gender": "f"},
        {"identifiers": ["nhs:1"]},
        {"identifiers": ["nhs:2"]},
        {"birth_lo": 0, "birth_hi": 365},
        {"birth_lo": 4000, "birth_hi": 4365},
        {"record_id": "same"},
        {"record_id": "same"},
    )
    linked = pairs((0, 1, 0.9), (2, 3, 0.9), (4, 5, 0.9), (6, 7, 0.9))
    assert len(groups(table, linked)) == 8


def test_consistent_pairs_join_transitively() -> None:
    table = features({"identifiers": ["nhs:1"]}, {}, {"identifiers": ["nhs:1", "pnc:9"]})
    assert groups(table, pairs((0, 1, 0.6), (1, 2, 0.7))) == [{0, 1, 2}]


def test_an_identifier_keyed_with_a_slip_is_the_same_number() -> None:
    assert identifiers_agree("9990011818", "9990011818")
    assert identifiers_agree("9990011818", "9990011819")  # one digit out
    assert identifiers_agree("9990011818", "9990018118")  # two swapped
    assert not identifiers_agree("9990011818", "1234567890")
    assert not identifiers_agree("999001181", "9990011818")  # one dropped: not as long


def test_two_numbers_of_one_scheme_keep_people_apart_unless_a_slip_explains_them() -> None:
    table = features(
        {"identifiers": ["nhs:9990011818"]},
        {"identifiers": ["nhs:9990011819"]},
        {"identifiers": ["nhs:4445556667"]},
    )
    linked = pairs((0, 1, 0.99), (0, 2, 0.98), (1, 2, 0.97))
    assert groups(table, linked) == [{0, 1}, {2}]


def test_a_shared_number_vouches_for_a_wrong_date_of_birth_and_the_reverse() -> None:
    # One hand-keyed fact wrong is a slip when the other agrees; both wrong is two people.
    table = features(
        {"dob": "1990-01-01", "identifiers": ["nhs:9990011818"]},
        {"dob": "1971-06-30", "identifiers": ["nhs:9990011818"]},
        {"dob": "1985-02-03", "identifiers": ["nhs:1112223334"]},
        {"dob": "1985-02-03", "identifiers": ["nhs:5556667778"]},
        {"dob": "1960-05-05", "identifiers": ["nhs:4445556667"]},
        {"dob": "1999-09-09", "identifiers": ["nhs:8887776665"]},
    )
    linked = pairs((0, 1, 0.9), (2, 3, 0.9), (4, 5, 0.9))
    assert groups(table, linked) == [{0, 1}, {2, 3}, {4}, {5}]


def test_a_pair_vouches_only_for_itself_not_for_a_third_mention() -> None:
    # 0 and 1 share a number; 2 joins 1 on weaker evidence, but its date contradicts 0's.
    table = features(
        {"dob": "1990-01-01", "identifiers": ["nhs:9990011818"]},
        {"identifiers": ["nhs:9990011818"]},
        {"dob": "1971-06-30"},
    )
    assert groups(table, pairs((0, 1, 0.99), (1, 2, 0.9))) == [{0, 1}, {2}]


def staff(
    forename: str | None, surname: str | None, agency: str | None = "youth_service"
) -> dict[str, Any]:
    return {"forename": forename, "surname": surname, "staff": agency}


def test_a_first_name_does_not_bridge_two_colleagues() -> None:
    # "Jane" of the youth service scores against both Janes; they stay two workers.
    table = features(
        staff("Jane", "Day"),
        staff("Jane", "O'Sullivan"),
        staff("Jane", None),
        staff("Jane", "Day"),
    )
    assert groups(table, pairs((0, 2, 0.95), (1, 2, 0.9), (2, 3, 0.9))) == [{0, 2, 3}, {1}]


def test_colleagues_names_agree_across_slips_order_and_initials() -> None:
    table = features(
        staff("Jane", "O'Sullivan"),
        staff("Jnae", "O'Sulivan"),  # typed with slips
        staff("O'Sullivan", "Jane"),  # written surname first, read the other way round
        staff("J", "Osborne"),  # an initial is not a full name: no contradiction from it
    )
    assert groups(table, pairs((0, 1, 0.9), (0, 2, 0.9), (0, 3, 0.6))) == [{0, 1, 2, 3}]


def test_different_surnames_outside_staff_are_left_to_the_model() -> None:
    # A girl's mentions under two surnames (a stepfather's name) may be one person.
    table = features(
        staff("Leanne", "Day", agency=None),
        staff("Leanne", "Riley", agency=None),
    )
    assert groups(table, pairs((0, 1, 0.9))) == [{0, 1}]


def test_two_typed_variants_of_one_surname_agree_and_unlike_names_do_not() -> None:
    assert staff_names_agree(("RTIA", "NORRKS"), ("RITA", "NORIS"))
    assert staff_names_agree(("NORRIS", "RITA"), ("RITA", "NORIS"))  # written the other way
    # A nickname written the other way round.
    assert staff_names_agree(("WHITE", "TERRY"), ("TERENCE", "WHITE"))
    assert staff_names_agree(("TOM", "HARDING"), ("HARDING", "THOMAS"))
    assert not staff_names_agree(("JANE", "DAY"), ("JANE", "O'SULLIVAN"))
    assert not staff_names_agree(("DAY", "JANE"), ("JANE", "O'SULLIVAN"))
    assert not staff_names_agree(("JANET", "WILLIAMS"), ("JANE", "DAY"))


def named(forename: str | None, surname: str | None) -> dict[str, Any]:
    return {"forename": forename, "surname": surname}


def test_a_name_given_in_part_does_not_bridge_two_people_named_unlike() -> None:
    # "frank" fits Frank Singh and Frank Pearson; "sarah" fits Sarah Curtis and S Mirza.
    table = features(
        named("frank", "singh"),
        named("frank", "singh"),
        named("frank", "pearson"),
        named("frank", None),
        named("sobia", "mirza"),
        named("s", "mirza"),
        named("sarah", None),
        named("sarah", "curtis"),
    )
    linked = pairs((0, 1, 0.99), (2, 3, 0.95), (0, 3, 0.7), (4, 5, 0.9), (6, 7, 0.9), (5, 6, 0.8))
    assert groups(table, linked) == [{0, 1}, {2, 3}, {4, 5}, {6, 7}]


def test_a_name_given_in_part_does_not_bridge_namesakes_of_one_surname() -> None:
    # "hart" fits Alexandra Hart and Amber Hart: one surname, two people.
    table = features(named("alexandra", "hart"), named("hart", None), named("amber", "hart"))
    assert groups(table, pairs((0, 1, 0.9), (1, 2, 0.8))) == [{0, 1}, {2}]


def test_a_name_given_in_part_joins_names_alike_and_people_named_in_part() -> None:
    table = features(
        named("frank", "singh"),
        named("frank", None),
        named("frnak", "sinhg"),  # typed with slips: alike
        named("f", "singh"),
        named("frank", None),  # named only in part on both sides: nothing to disagree with
        named("frank", None),
    )
    linked = pairs((0, 1, 0.9), (1, 2, 0.8), (2, 3, 0.7), (4, 5, 0.7))
    assert groups(table, linked) == [{0, 1, 2, 3}, {4, 5}]


def registered(source: str | None, dob: str, **more: Any) -> dict[str, Any]:
    return {"source": source, "dob": dob, **more}


def sourced(*mentions: dict[str, Any]) -> pa.Table:
    schema = PERSON_SCHEMA.append(pa.field(SOURCE, pa.string()))
    rows = [
        dict.fromkeys(schema.names) | {"unique_id": i, "record_id": f"r{i}"} | mention
        for i, mention in enumerate(mentions)
    ]
    return pa.Table.from_pylist(rows, schema=schema)


def test_a_deduplicated_register_names_each_person_once() -> None:
    # Nothing else contradicts: the second mention of register a is another person.
    table = sourced(
        registered("a", "1925-10-30"), registered("b", "1925-10-30"), registered("a", "1925-10-30")
    )
    assert groups(table, pairs((0, 1, 0.99), (1, 2, 0.98))) == [{0, 1}, {2}]
    # Without registers the three are one person's.
    plain = sourced(*(registered(None, "1925-10-30") for _ in range(3)))
    assert groups(plain, pairs((0, 1, 0.99), (1, 2, 0.98))) == [{0, 1, 2}]


def test_across_deduplicated_registers_a_date_of_birth_is_weighed_not_a_veto() -> None:
    table = sourced(
        registered("a", "1925-10-30"),
        registered("b", "1972-07-08"),  # no slip explains it: the model weighed it
        registered(None, "1925-10-30"),
        registered(None, "1972-07-08"),  # outside registers, still two people
        registered("a", "1950-01-01", gender="m"),
        registered("b", "1950-01-01", gender="f"),  # other contradictions still hold
    )
    linked = pairs((0, 1, 0.9), (2, 3, 0.9), (4, 5, 0.9))
    assert groups(table, linked) == [{0, 1}, {2}, {3}, {4}, {5}]
