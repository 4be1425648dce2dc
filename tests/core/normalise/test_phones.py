"""Phone numbers: E.164, unreadable numbers kept as digits, weak tail matches."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vigil.core.normalise import phones
from vigil.core.normalise.phones import PhoneLevel


@pytest.mark.parametrize(
    ("written", "clean", "valid"),
    [
        ("07700 900123", "+447700900123", False),  # Ofcom's drama range: reserved
        ("+44 (0)7700 900123", "+447700900123", False),
        ("0044 7700 900123", "+447700900123", False),
        ("(+44) 07700 900123", "+447700900123", False),
        ("447700900123", "+447700900123", False),
        ("0114 496 0000 ext 123", "+441144960000", True),
        ("01709 123456", "+441709123456", True),
        ("+1 202 555 0100", "+12025550100", True),
        ("0770090012345", "0770090012345", False),  # too long: kept as digits
        ("+7 123", None, False),
        ("12345", None, False),
        ("phone", None, False),
    ],
)
def test_parse(written: str, clean: str | None, valid: bool) -> None:
    value = phones.parse(written)
    assert phones.clean(written) == clean
    if clean is None:
        assert value is None
    else:
        assert value is not None and value.valid is valid
        assert value.tail == clean.lstrip("+")[-9:]


def test_unreadable_number_keeps_its_plus() -> None:
    value = phones.parse("+999 1234 5678 9012 345")
    assert value is not None and value.e164 is None
    assert value.clean.startswith("+")


@pytest.mark.parametrize(
    ("a", "b", "level"),
    [
        ("07700 900123", "+447700900123", PhoneLevel.EXACT),
        ("07700 900123", "0770090012345", PhoneLevel.NONE),
        ("07700 900123", "17700 900123", PhoneLevel.SAME_TAIL),  # a mistyped first digit
        ("07700 900123", "07700 900124", PhoneLevel.NONE),
    ],
)
def test_compare(a: str, b: str, level: PhoneLevel) -> None:
    assert phones.compare(a, b) == level
    assert phones.compare(b, a) == level


def test_compare_missing() -> None:
    assert phones.compare(None, "07700 900123") is None
    assert phones.compare("n/k", "07700 900123") is None


def test_keys() -> None:
    assert phones.keys("07700 900123") == ("+447700900123", "700900123")
    assert phones.keys("none") == ()


@given(st.text(max_size=30))
def test_never_crashes_and_clean_is_idempotent(text: str) -> None:
    clean = phones.clean(text)
    if clean is not None:
        assert phones.clean(clean) == clean
    phones.keys(text)


@given(st.text(alphabet="0123456789+() -x", max_size=20))
def test_clean_is_idempotent_on_number_like_text(text: str) -> None:
    clean = phones.clean(text)
    if clean is not None:
        assert phones.clean(clean) == clean
        assert phones.compare(text, clean) == PhoneLevel.EXACT
