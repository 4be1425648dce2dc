"""One trained model, applied on any engine: parameters carried over level by level."""

from __future__ import annotations

import pyarrow as pa
import pytest

from vigil.core.linkage import engines, persons


def _trained(model: object) -> dict[str, object]:
    found = model.get_settings("duckdb").as_dict()  # type: ignore[attr-defined]
    found["probability_two_random_records_match"] = 0.0123
    for i, comparison in enumerate(found["comparisons"]):
        for j, level in enumerate(comparison["comparison_levels"]):
            if not level.get("is_null_level"):
                level["m_probability"] = (i + 1) / 100 + j / 1000
                level["u_probability"] = (j + 1) / 1000
    return found


def test_trained_parameters_reach_the_spark_dialect_model_unchanged() -> None:
    model = persons.settings(optional=["gender", "postcode_unit", "address_key", "identifiers"])
    trained = _trained(model)
    on_spark = engines.with_parameters(model.get_settings("spark"), trained)
    assert on_spark["probability_two_random_records_match"] == 0.0123
    for theirs, ours in zip(trained["comparisons"], on_spark["comparisons"], strict=True):  # type: ignore[call-overload]
        for learnt, level in zip(
            theirs["comparison_levels"], ours["comparison_levels"], strict=True
        ):
            assert level.get("m_probability") == learnt.get("m_probability")
            assert level.get("u_probability") == learnt.get("u_probability")
    # The SQL is Spark's own: DuckDB's double-quoted names read as strings there.
    conditions = [
        level["sql_condition"]
        for comparison in on_spark["comparisons"]
        for level in comparison["comparison_levels"]
    ]
    assert any("`" in sql for sql in conditions)
    assert on_spark["sql_dialect"] == "spark"


def test_a_model_of_other_comparisons_is_refused() -> None:
    trained = _trained(persons.settings(optional=["gender"]))
    other = persons.settings(optional=["postcode_unit"])
    with pytest.raises(ValueError, match="differ"):
        engines.with_parameters(other.get_settings("duckdb"), trained)


def test_weights_are_rounded_and_probabilities_follow_them() -> None:
    pairs = pa.table(
        {
            "unique_id_l": [1, 2, 3],
            "unique_id_r": [4, 5, 6],
            "match_weight": [3.0000000000001, 0.0, 2000.0],
        }
    )
    rounded = engines._rounded(pairs)
    assert rounded.column("match_weight").to_pylist() == [3.0, 0.0, 2000.0]
    probability = rounded.column("match_probability").to_pylist()
    assert probability[0] == pytest.approx(8 / 9)
    assert probability[1] == pytest.approx(0.5)
    assert probability[2] == pytest.approx(1.0)
