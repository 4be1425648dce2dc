"""Addresses: cleaning free text into parts and a key, comparison."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vigil.core.normalise import addresses
from vigil.core.normalise.addresses import AddressLevel

address_like = st.lists(
    st.one_of(
        st.sampled_from(
            ["Flat", "flat 2", "10", "12a", "Oak", "St", "Rd", "St.", ",", "S60 1AA", "No."]
        ),
        st.text(alphabet="abS0129-,/ .", min_size=1, max_size=6),
    ),
    max_size=8,
).map(" ".join)


@pytest.mark.parametrize(
    ("written", "flat", "number", "street", "locality", "postcode", "key"),
    [
        (
            "Flat 2, 10 Oak St., Rotherham S60 1AA",
            "2",
            "10",
            "oak street",
            "rotherham",
            "S60 1AA",
            "flat 2 10 oak street S60 1AA",
        ),
        (
            "12 oak st rotherham s601aa",
            None,
            "12",
            "oak street",
            "rotherham",
            "S60 1AA",
            "12 oak street S60 1AA",
        ),
        ("10 St Johns Rd, Sheffield", None, "10", "saint johns road", "sheffield", None, None),
        ("No. 10 Downing Street, London", None, "10", "downing street", "london", None, None),
        ("Apt 3b, 12-14 High St, Leeds", "3b", "12-14", "high street", "leeds", None, None),
        ("10A Oak Ave", None, "10a", "oak avenue", None, None, "10a oak avenue"),
    ],
)
def test_parts(
    written: str,
    flat: str | None,
    number: str | None,
    street: str | None,
    locality: str | None,
    postcode: str | None,
    key: str | None,
) -> None:
    value = addresses.parse(written)
    assert value is not None
    assert (value.flat, value.number, value.street, value.locality, value.postcode) == (
        flat,
        number,
        street,
        locality,
        postcode,
    )
    if key is not None:
        assert value.key == key


def test_building_stands_in_for_a_missing_number() -> None:
    value = addresses.parse("Flat 2 Oak House, Oak St, Rotherham")
    assert value is not None
    assert (value.flat, value.building, value.number) == ("2", "oak house", None)
    assert value.key == "flat 2 oak house oak street"


def test_clean_form() -> None:
    assert addresses.clean("Flat 2, 10 Oak St., Rotherham S60 1AA") == (
        "flat 2, 10 oak street, rotherham, S60 1AA"
    )
    assert addresses.clean("12 oak st rotherham") == "12 oak street, rotherham"
    assert addresses.clean("S60 1AA") == "S60 1AA"
    assert addresses.clean(" , , ") is None


@pytest.mark.parametrize(
    ("a", "b", "level"),
    [
        ("10 Oak St, S60 1AA", "10 oak street s601aa", AddressLevel.EXACT),
        ("Flat 2, 10 Oak St, S60 1AA", "10 Oak Street, S60 1AA", AddressLevel.SAME_BUILDING),
        ("12 Oak St, Rotherham", "12 Oak Street, Rotherham, S60 1AA", AddressLevel.SAME_BUILDING),
        ("12 Oak St, S60 1AA", "14 Oak St, S60 1AA", AddressLevel.SAME_POSTCODE),
        ("12 Oak St, S60 1AB", "14 Oak St, S60 2AA", AddressLevel.SAME_STREET),
        ("12 Oak St, S60 1AA", "12 Oak St, LS1 1AA", AddressLevel.NONE),  # another town
        ("12 Oak St, Leeds", "12 Oak St, Rotherham", AddressLevel.NONE),
        ("12 Oak St, Rotherham", "12 Oak St, Kimberworth, Rotherham", AddressLevel.EXACT),
        ("12 Oak St", "3 Elm Rd", AddressLevel.NONE),
    ],
)
def test_compare(a: str, b: str, level: AddressLevel) -> None:
    assert addresses.compare(a, b) == level
    assert addresses.compare(b, a) == level


def test_compare_missing_and_keys() -> None:
    assert addresses.compare(None, "12 Oak St") is None
    assert addresses.keys("12 Oak St, S60 1AA") == (
        "12 oak street S60 1AA",
        "12 S60 1AA",
        "oak street S60 1",
    )
    assert addresses.keys("") == ()


@given(st.text(max_size=50))
def test_never_crashes_and_clean_is_idempotent(text: str) -> None:
    clean = addresses.clean(text)
    if clean is not None:
        assert addresses.clean(clean) == clean
    addresses.keys(text)


@given(address_like)
def test_clean_reads_back_to_the_same_key(text: str) -> None:
    value = addresses.parse(text)
    if value is not None:
        again = addresses.parse(value.clean)
        assert again is not None
        assert (again.clean, again.key) == (value.clean, value.key)
