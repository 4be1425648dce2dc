"""Explanations: the kept model's comparison levels and weights, rules and chains."""

from __future__ import annotations

import math

import pytest

from vigil.core.linkage.explain import identifier_rule, path_between, scored_pairs
from vigil.core.linkage.resolve import person_features

from .conftest import Town


def test_a_pair_is_scored_as_the_run_scored_it(town: Town) -> None:
    model = town.resolution.model
    assert model is not None
    m = town.resolution.memberships
    entity_of = dict(
        zip(
            zip(m.column("record_id").to_pylist(), m.column("ref").to_pylist(), strict=True),
            m.column("entity_id").to_pylist(),
            strict=True,
        )
    )
    features = person_features(town.mentions)
    keys = list(
        zip(
            features.column("record_id").to_pylist(),
            features.column("ref").to_pylist(),
            strict=True,
        )
    )
    ids = features.column("unique_id").to_pylist()
    by_entity: dict[str, list[int]] = {}
    for uid, key in zip(ids, keys, strict=True):
        by_entity.setdefault(entity_of[key], []).append(uid)
    together = next(rows for rows in by_entity.values() if len(rows) >= 3)
    apart = next(rows for e, rows in by_entity.items() if rows[0] not in together)
    pairs = [(together[0], together[1]), (together[0], apart[0])]
    scored = scored_pairs(model, features, pairs)
    weight, probability, comparisons = scored[pairs[0]]
    names = [c["output_column_name"] for c in model.settings["comparisons"]]
    assert [c.name for c in comparisons] == names
    # The total is the prior plus each comparison's weight.
    prior = model.settings["probability_two_random_records_match"]
    total = math.log2(prior / (1 - prior)) + sum(c.match_weight for c in comparisons)
    assert total == pytest.approx(weight, abs=0.01)
    assert probability == pytest.approx(2**weight / (1 + 2**weight))
    forename = comparisons[0]
    assert forename.level and forename.left_value is not None
    assert scored[pairs[1]][0] < weight


def test_the_chain_between_two_mentions_is_the_shortest() -> None:
    a, b, c, d = ("r", "1"), ("r", "2"), ("r", "3"), ("r", "4")
    assert path_between([a, b, c, d], [(a, b), (b, c), (c, d), (b, d)], a, d) == [a, b, d]
    assert path_between([a, b, c], [(a, b)], a, c) == []


def test_identifier_rules_are_put_in_words() -> None:
    assert "same normalised plate" in identifier_rule(
        "vehicle", {"vrm": "YB02 KLM"}, {"vrm": "yb02klm"}
    )
    partial = identifier_rule("vehicle", {"vrm": "YB02 KL?"}, {"vrm": "YB02 KLM"})
    assert "partial plate" in partial and "exactly one" in partial
    assert "different" in identifier_rule(
        "phone", {"number": "07700 900123"}, {"number": "07700 900999"}
    )
    assert "Ltd" in identifier_rule(
        "organisation", {"name": "Star Cars Ltd"}, {"name": "The Star Cars"}
    )
