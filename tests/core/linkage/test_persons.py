"""The person model: name frequencies counted per person, numbers weighed as learned."""

from __future__ import annotations

import pyarrow as pa
import pytest

from vigil.core.linkage.consistency import NUMBERS_MISTAKEN, consistent_clusters
from vigil.core.linkage.features import PERSON_SCHEMA
from vigil.core.linkage.persons import (
    DIFFERENT_NUMBERS,
    numbers_mistaken,
    person_term_frequencies,
)


def test_a_much_mentioned_person_does_not_make_a_name_common() -> None:
    features = pa.table(
        {
            "unique_id": [1, 2, 3, 4, 5],
            "surname": ["walsh", "walsh", "walsh", "khan", None],
        }
    )
    # Mentions 1-3 are one Walsh; 4 one Khan; 5 a mention with no surname.
    table = person_term_frequencies(features, [[1, 2, 3], [4], [5]], "surname")
    names, shares = table.column("surname").to_pylist(), table.column("tf_surname").to_pylist()
    tf = dict(zip(names, shares, strict=True))
    assert tf == {"walsh": pytest.approx(0.5), "khan": pytest.approx(0.5)}
    assert table.column_names == ["surname", "tf_surname"]


def test_an_em_pass_that_fails_leaves_every_comparison_in_the_model(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from splink import DuckDBAPI, Linker
    from splink.internals.linker_components.training import LinkerTraining

    from vigil.core.linkage import features
    from vigil.core.linkage.persons import PersonModelOptions, _train, settings

    def fails_midway(self: LinkerTraining, *args: object, **kwargs: object) -> None:
        # As Splink does: the comparisons a pass cannot train leave the model
        # while it runs (here: all but the first), and a failure leaves them out.
        model = self._linker._settings_obj.core_model_settings
        model.comparisons = model.comparisons[:1]
        raise ValueError("m probability underflowed")

    monkeypatch.setattr(
        LinkerTraining, "estimate_parameters_using_expectation_maximisation", fails_midway
    )
    rows = [
        {"row": i, "record_id": f"r{i}", "ref": "p1", "type": "person", "name": name, "dob": dob}
        for i, (name, dob) in enumerate(
            [("Ann Lee", "1990-01-02"), ("Anne Lee", "1990-01-02"), ("Bob Hart", "1980-05-06")] * 20
        )
    ]
    table = features.person_features(rows)
    linker = Linker(DuckDBAPI().register(table), settings(optional=[]), log_level=None)
    _train(linker, PersonModelOptions(max_pairs_for_u=1e3))
    names = [c.output_column_name for c in linker._settings_obj.core_model_settings.comparisons]
    assert names == ["forename", "surname", "birth"]


def _trained_with_different_numbers(m: float) -> dict[str, object]:
    levels = [
        {"label_for_charts": "same number", "m_probability": 1 - m},
        {"label_for_charts": DIFFERENT_NUMBERS, "m_probability": m},
    ]
    return {"comparisons": [{"output_column_name": "identifiers", "comparison_levels": levels}]}


def test_numbers_are_mistaken_only_where_the_model_learned_they_often_differ() -> None:
    assert numbers_mistaken(_trained_with_different_numbers(0.044))
    assert not numbers_mistaken(_trained_with_different_numbers(0.0026))
    assert not numbers_mistaken({"comparisons": []})


def test_numbers_often_mistaken_are_no_contradiction() -> None:
    table = pa.Table.from_pylist(
        [
            dict.fromkeys(PERSON_SCHEMA.names) | {"unique_id": i, "record_id": f"r{i}"} | extra
            for i, extra in enumerate(
                [{"identifiers": ["ssn:1234567"]}, {"identifiers": ["ssn:7654321"]}]
            )
        ],
        schema=PERSON_SCHEMA,
    )
    pairs = pa.table({"unique_id_l": [0], "unique_id_r": [1], "match_weight": [12.0]})
    assert len(consistent_clusters(table, pairs)) == 2
    tagged = pairs.replace_schema_metadata({NUMBERS_MISTAKEN: b"1"})
    assert len(consistent_clusters(table, tagged)) == 1
