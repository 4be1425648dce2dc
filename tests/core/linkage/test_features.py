"""Person features: read column-wise, the same as row by row; postcodes of any area."""

from __future__ import annotations

from tests.core.linkage.conftest import Town

from vigil.core.linkage.features import person_features, person_rows, postcode_keys


def test_features_read_column_wise_equal_those_read_row_by_row(town: Town) -> None:
    rows = person_rows(town.mentions)
    column_wise = person_features(rows)
    row_by_row = person_features(list(rows))
    assert column_wise.num_rows > 500
    assert column_wise.equals(row_by_row)
    # Distinct values are worked out once, but every mention keeps its own.
    assert column_wise.column("unique_id").to_pylist() == [r["row"] for r in rows]


def test_a_postcode_in_the_towns_own_area_is_read_in_full() -> None:
    keys = postcode_keys("aw3 7pl")
    assert (keys.unit, keys.sector, keys.district) == ("AW3 7PL", "AW3 7", "AW3")


def test_another_countrys_postcode_is_kept_whole() -> None:
    keys = postcode_keys("2615")
    assert (keys.unit, keys.sector, keys.district) == ("2615", None, None)


def test_a_partial_or_meaningless_postcode_gives_no_unit() -> None:
    assert postcode_keys("S60").unit is None
    assert postcode_keys("AW3").unit is None
    assert postcode_keys("n/a").unit is None
    assert postcode_keys(None).unit is None


def test_a_date_of_birth_that_is_no_date_is_no_evidence() -> None:
    rows = [
        {"row": 0, "record_id": "r0", "ref": "p1", "type": "person", "dob": "1990-39-25"},
        {"row": 1, "record_id": "r1", "ref": "p1", "type": "person", "dob": "1990-09-25"},
    ]
    table = person_features(rows)
    assert table.column("dob").to_pylist() == [None, "1990-09-25"]


def test_a_name_written_surname_first_meets_itself_written_the_usual_way() -> None:
    # Written first, "Zielinska" is keyed as a forename; the swap keys each word alike.
    names = ["Janina Zielinska", "Zielinska Janina", "Janina Zielinski", "J Zielinska", "Janina"]
    rows = [
        {"row": i, "record_id": f"r{i}", "ref": "p1", "type": "person", "name": name}
        for i, name in enumerate(names)
    ]
    table = person_features(rows)
    written = table.column("words_written").to_pylist()
    swapped = table.column("words_swapped").to_pylist()
    assert written[0] == swapped[1] and written[1] == swapped[0]
    assert written[0] != swapped[0]  # not a swap of itself
    assert written[2] == written[0]  # the surname's family, as its key merges it
    assert written[3] is None and written[4] is None  # an initial, one word: nothing to swap
