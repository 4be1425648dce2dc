"""The person model learns what names are worth from the town's own records."""

from __future__ import annotations

from typing import Any

from tests.core.linkage.conftest import Town

from vigil.core.linkage.persons import (
    MISTYPED_ADDRESS_M,
    MOVED_NEARBY_M,
    STAFF_IN_ANOTHER_ROLE_M,
)


def levels(town: Town, comparison: str) -> dict[str, dict[str, Any]]:
    model = town.resolution.model
    assert model is not None
    (found,) = [c for c in model.settings["comparisons"] if c["output_column_name"] == comparison]
    return {level.get("label_for_charts", ""): level for level in found["comparison_levels"]}


def test_names_are_trained_not_left_at_their_defaults(town: Town) -> None:
    # A town without mistyped streets once drove that level's m to zero, and
    # Splink refused the whole EM pass that trains the names.
    for part in ("forename", "surname"):
        trained = levels(town, part)
        exact = next(v for k, v in trained.items() if k.startswith("Exact match"))
        assert exact.get("m_probability") is not None
        other = trained["All other comparisons"]
        assert other["m_probability"] < exact["m_probability"]


def test_a_mistyped_or_nearby_address_is_evidence_not_a_veto(town: Town) -> None:
    home = levels(town, "home")
    typo = next(v for k, v in home.items() if "address_key <= 2" in k)
    sector = next(v for k, v in home.items() if "postcode_sector" in k)
    assert typo["m_probability"] == MISTYPED_ADDRESS_M
    assert sector["m_probability"] == MOVED_NEARBY_M


def test_staff_are_seldom_named_in_another_role(town: Town) -> None:
    # A worker named dozens of times at work, joined on an initial to a victim
    # of the same surname, takes every one of those mentions along.
    staff = levels(town, "staff")
    assert staff["All other comparisons"]["m_probability"] == STAFF_IN_ANOTHER_ROLE_M
    assert staff["All other comparisons"]["m_probability"] < 0.01
