"""Identifier entities: partial plates, organisations."""

from __future__ import annotations

from vigil.core.linkage.identifiers import (
    organisation_groups,
    organisation_name_key,
    partial_plate_matches,
    vehicle_groups,
)


def plates(*vrms: str | None) -> list[set[int]]:
    rows = [(i, {"vrm": v}) for i, v in enumerate(vrms)]
    return sorted((set(g.rows) for g in vehicle_groups(rows)), key=min)


def test_a_partial_plate_joins_the_one_full_plate_it_fits() -> None:
    assert plates("YB02 KLM", "yb02kl?", "AB51 XYZ") == [{0, 1}, {2}]


def test_a_partial_plate_that_two_full_plates_fit_stays_apart() -> None:
    assert plates("YB02 KLM", "YB02 KLN", "YB02 KL?", "YB02 KL?") == [{0}, {1}, {2}, {3}]


def test_a_partial_plate_no_full_plate_fits_joins_the_same_partial_plate() -> None:
    assert plates("YB02 K??", "YB02 K??", "AB51 XYZ") == [{0, 1}, {2}]


def test_a_vehicle_without_registration_is_its_own_entity() -> None:
    assert plates(None, None, "AB51 XYZ", "ab51xyz") == [{0}, {1}, {2, 3}]


def test_open_ended_plates_are_matched_too() -> None:
    assert partial_plate_matches("YB02*", ["YB02KLM", "AB51XYZ"]) == ["YB02KLM"]
    assert partial_plate_matches("*KLM", ["YB02KLM", "AB51KLM"]) == ["AB51KLM", "YB02KLM"]


def test_organisations_join_by_name_key_and_type() -> None:
    rows = [
        (0, {"name": "Apex Taxis", "org_type": "taxi_firm"}),
        (1, {"name": "APEX TAXIS LTD", "org_type": "taxi_firm"}),
        (2, {"name": "Apex", "org_type": "taxi_firm"}),
        (3, {"name": "Apex Taxis", "org_type": "takeaway"}),
    ]
    groups = sorted((set(g.rows) for g in organisation_groups(rows)), key=min)
    assert groups == [{0, 1, 2}, {3}]
    assert organisation_name_key("The Star Cars Ltd.") == "star cars"
