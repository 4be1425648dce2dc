"""A full link scoring with a kept model's parameters instead of training again."""

from __future__ import annotations

from typing import Any

import pytest

from vigil.core.linkage import engines, pairwise, persons, resolve

from .conftest import Town
from .test_incremental import assignment, f1

# Pairwise F1 of a full link with the kept parameters against the full link
# that trained them, on the same records: only the first pass's parameters
# differ (it trained without the associates column).
MIN_F1_AGAINST_TRAINED = 0.99


def test_a_full_link_with_a_kept_model_trains_nothing(
    town: Town, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept = town.resolution.model
    assert kept is not None

    def refuse(*args: Any, **kwargs: Any) -> dict[str, Any]:
        raise AssertionError("trained although a model was given")

    monkeypatch.setattr(engines, "train_on_duckdb", refuse)
    again = resolve(town.mentions, town.links, model=kept)
    assert again.person_method == "model"
    assert again.work["reclustered"] == again.work["compared"] > 0  # a full link
    assert again.model is not None
    assert again.model.settings == kept.settings
    assert again.model.trained_on == kept.trained_on
    for entity_type in ("person", None):
        scores = pairwise(assignment(again, entity_type), assignment(town.resolution, entity_type))
        assert f1(scores) >= MIN_F1_AGAINST_TRAINED, (entity_type, scores)


def test_the_kept_models_columns_rebuild_its_comparisons(town: Town) -> None:
    kept = town.resolution.model
    assert kept is not None
    columns = persons.compared_columns(kept.settings)
    assert "associates" in columns  # the collective pass's model
    rebuilt = persons.settings(optional=columns).get_settings("duckdb")
    # Raises where a comparison or level does not line up.
    found = engines.with_parameters(rebuilt, kept.settings)
    assert [c["output_column_name"] for c in found["comparisons"]] == [
        c["output_column_name"] for c in kept.settings["comparisons"]
    ]
    assert (
        found["probability_two_random_records_match"]
        == (kept.settings["probability_two_random_records_match"])
    )
