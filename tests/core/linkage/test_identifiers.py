"""Identifier entities: partial plates, organisations."""

from __future__ import annotations

from vigil.core.linkage.identifiers import (
    _plate_index,
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


def test_the_plate_index_finds_what_a_full_scan_finds() -> None:
    # Plates sharing heads and tails, and partial plates with unknowns anywhere.
    full = sorted(
        f"{area}{year}{tail}"
        for area in ("YB", "YC", "AB")
        for year in ("02", "51", "66")
        for tail in ("KLM", "KLN", "XYZ", "KAM")
    )
    partials = ["YB02KL?", "?B02KLM", "YB0?KLM", "??51XYZ", "YB02*", "*KLM", "Y?66K?M", "AB*Z"]
    index = _plate_index(full)
    for partial in partials:
        assert partial_plate_matches(partial, full, index) == partial_plate_matches(partial, full)
    assert partial_plate_matches("YB02KL?", full, index) == ["YB02KLM", "YB02KLN"]


def test_a_short_name_joins_only_when_exactly_one_longer_name_starts_with_it() -> None:
    rows = [
        (0, {"name": "Star", "org_type": "taxi_firm"}),
        (1, {"name": "Star Cars", "org_type": "taxi_firm"}),
        (2, {"name": "Star Taxis", "org_type": "taxi_firm"}),
        (3, {"name": "Apex", "org_type": "taxi_firm"}),
        (4, {"name": "Apex Taxis", "org_type": "taxi_firm"}),
        (5, {"name": "Apexx Cars", "org_type": "taxi_firm"}),
    ]
    groups = sorted((set(g.rows) for g in organisation_groups(rows)), key=min)
    assert groups == [{0}, {1}, {2}, {3, 4}, {5}]
