"""Stable ids and the evaluation measures."""

from __future__ import annotations

import pytest

from vigil.core.linkage import b_cubed, pairwise
from vigil.core.linkage.ids import assign_ids, derived_id

A, B, C, D = ("r1", "p1"), ("r2", "p1"), ("r3", "p1"), ("r4", "p1")


def test_ids_are_derived_from_the_smallest_member() -> None:
    ids = assign_ids([("person", [B, A]), ("person", [C])])
    assert ids == [derived_id("person", [A]), derived_id("person", [C])]


def test_an_entity_keeps_its_id_when_it_grows() -> None:
    ids = assign_ids([("person", [A, B, D]), ("person", [C])], {B: "person-x", D: "person-x"})
    assert ids[0] == "person-x"


def test_a_split_entity_gives_its_id_to_the_larger_part() -> None:
    previous = {A: "person-x", B: "person-x", C: "person-x"}
    ids = assign_ids([("person", [A]), ("person", [B, C])], previous)
    assert ids[1] == "person-x"
    assert ids[0] not in ("person-x", ids[1])


def test_an_id_is_never_taken_across_types() -> None:
    ids = assign_ids([("vehicle", [A])], {A: "person-x"})
    assert ids[0].startswith("vehicle-")


def test_pairwise_and_b_cubed_on_a_known_example() -> None:
    truth = {1: "a", 2: "a", 3: "a", 4: "b"}
    guess = {1: "x", 2: "x", 3: "y", 4: "y"}
    scores = pairwise(guess, truth)
    assert (scores.precision, scores.recall) == (0.5, pytest.approx(1 / 3))
    cubed = b_cubed(guess, truth)
    assert cubed.precision == pytest.approx((1 + 1 + 0.5 + 0.5) / 4)
    assert cubed.recall == pytest.approx((2 / 3 + 2 / 3 + 1 / 3 + 1) / 4)
    assert pairwise(truth, truth).f1 == 1.0
