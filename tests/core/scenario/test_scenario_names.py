"""Names as records write them: variants, typos, transliterations, and names never used."""

from __future__ import annotations

import random

from vigil.core.scenario.names import feminine_surname, name_book, typo


def test_typos_change_a_word_by_one_slip() -> None:
    rng = random.Random(1)
    for word in ("Kayleigh", "Hussain", "Thompson", "Wiśniewski"):
        for _ in range(50):
            slipped = typo(rng, word)
            assert slipped != word
            assert slipped[0] == word[0]
            assert abs(len(slipped) - len(word)) <= 1


def test_transliteration_families_are_data() -> None:
    book = name_book()
    assert {"Muhammad", "Mohamed", "Mohammad", "Mohd"} <= set(book.spellings("Mohammed"))
    assert {"Hussein", "Husain"} <= set(book.spellings("Hussain"))
    assert "Kahn" in book.spellings("Khan")
    assert "Ikbal" in book.spellings("Iqbal")
    assert "Yousaf" in book.spellings("Yusuf")
    assert book.spellings("Zebedee") == ()


def test_nicknames_come_from_the_package_and_the_curated_list() -> None:
    book = name_book()
    assert "Liz" in book.nicknames("Elizabeth")
    assert "Mo" in book.nicknames("Mohammed")
    assert book.nicknames("Zzyzx") == ()


def test_written_names_vary_and_careful_records_keep_the_full_name() -> None:
    book = name_book()
    rng = random.Random(2)
    assert book.written(rng, "Imran", "Khan", care=1.0) == "Imran Khan"
    written = {book.written(rng, "Mohammed", "Hussain", care=0.0) for _ in range(400)}
    assert len(written) > 20
    assert {"Mohammed", "Hussain"} & written
    assert any(name.startswith(("Muhammad ", "Mohamed ", "Mohd ")) for name in written)
    assert any("," in name for name in written)


def test_feminine_surnames() -> None:
    assert feminine_surname("Kowalski", "polish") == "Kowalska"
    assert feminine_surname("Nowak", "polish") == "Nowak"
    assert feminine_surname("Horváth", "slavic") == "Horváthová"
    assert feminine_surname("Novotný", "slavic") == "Novotná"
    assert feminine_surname("Smith", None) == "Smith"


def test_excluded_names_are_refused_in_every_spelling() -> None:
    book = name_book()
    # The shipped list holds hashes only; check the mechanism with invented names.
    invented = {book._exclusion_key("Sajid Malik"), book._exclusion_key("Amjd Khan")}
    book._excluded = book._excluded | invented
    assert book.is_excluded("Sajid", "Malik")
    assert book.is_excluded("Sajjad", "Malik")  # same transliteration family
    assert book.is_excluded("Malik", "Sajed")  # either order
    assert not book.is_excluded("Imran", "Malik")
    rng = random.Random(3)
    for _ in range(1000):
        written = book.written(rng, "Amjad", "Khan", care=0.0)
        assert " " not in written or not book.is_excluded(*written.split(" ", 1)), written


def test_the_shipped_exclusion_list_holds_no_names() -> None:
    book = name_book()
    assert book._excluded
    assert all(len(item) == 64 and set(item) <= set("0123456789abcdef") for item in book._excluded)


def test_every_origin_has_names_for_both_sexes() -> None:
    for origin in name_book().origins:
        assert len(origin.male) >= 10
        assert len(origin.female) >= 10
        assert len(origin.surnames) >= 10
