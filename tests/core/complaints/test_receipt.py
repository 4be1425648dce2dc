"""Receipt codes are long, random, forgiving to type and stored only as hashes."""

from __future__ import annotations

from vigil.core.complaints import new_receipt_code, normalise_receipt, receipt_hash
from vigil.core.complaints.receipt import ALPHABET, LENGTH


def test_a_code_has_twenty_characters_from_the_unambiguous_alphabet() -> None:
    code = new_receipt_code()
    raw = code.replace("-", "")
    assert len(raw) == LENGTH >= 16
    assert set(raw) <= set(ALPHABET)
    assert not set(raw) & set("IO01")


def test_codes_do_not_repeat() -> None:
    assert len({new_receipt_code() for _ in range(1000)}) == 1000


def test_spacing_dashes_and_case_do_not_matter() -> None:
    code = new_receipt_code()
    typed = " " + code.lower().replace("-", " ") + " "
    assert receipt_hash(typed) == receipt_hash(code)
    assert normalise_receipt(typed) == code.replace("-", "")


def test_the_hash_is_not_the_code() -> None:
    code = new_receipt_code()
    hashed = receipt_hash(code)
    assert hashed is not None and len(hashed) == 64
    assert code.replace("-", "") not in hashed


def test_text_that_cannot_be_a_code_has_no_hash() -> None:
    assert receipt_hash("") is None
    assert receipt_hash("ABCD") is None
    assert receipt_hash("0" * LENGTH) is None  # 0 is not in the alphabet
