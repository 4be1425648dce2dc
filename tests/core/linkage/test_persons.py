"""The person model's name frequencies: counted per person, not per mention."""

from __future__ import annotations

import pyarrow as pa
import pytest

from vigil.core.linkage.persons import person_term_frequencies


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
