"""The registry: every property type behind one interface."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vigil.core.normalise.property_types import PROPERTY_TYPES, property_type

SAMPLES = {
    "name": ("SMITH, Kayleigh", "kayleigh smith", "Kayley Smith"),
    "vrm": ("yb02 klm", "YB02KLM", "YB02KL?"),
    "phone": ("07700 900123", "+447700900123", "+44 7700 900123"),
    "postcode": ("s601aa", "S60 1AA", "S60"),
    "date": ("02/03/1987", "1987-03-02", "1987"),
    "email": ("Kay <KAY@example.com>", "kay@example.com", "kay@example.org"),
    "address": ("10 Oak St, S60 1AA", "10 oak street, S60 1AA", "Flat 2, 10 Oak Street"),
}


def test_every_named_type_is_registered() -> None:
    assert set(PROPERTY_TYPES) == set(SAMPLES)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_common_interface(name: str) -> None:
    kind = property_type(name)
    written, clean, other = SAMPLES[name]
    assert kind.name == name
    assert kind.clean(written) == clean
    assert kind.clean(clean) == clean
    assert kind.keys(written)
    level = kind.compare(written, clean)
    assert level is not None and level == max(kind.levels)
    other_level = kind.compare(written, other)
    assert other_level is not None and other_level in set(kind.levels)
    assert kind.compare(None, clean) is None


def test_unknown_type() -> None:
    with pytest.raises(KeyError, match="known: name"):
        property_type("shoe_size")


@pytest.mark.parametrize("name", sorted(SAMPLES))
@given(text=st.text(max_size=30), other=st.text(max_size=30))
def test_no_type_crashes_and_clean_is_idempotent(name: str, text: str, other: str) -> None:
    kind = PROPERTY_TYPES[name]
    clean = kind.clean(text)
    if clean is not None:
        assert kind.clean(clean) == clean
    assert isinstance(kind.keys(text), tuple)
    level = kind.compare(text, other)
    assert level is None or level in set(kind.levels)
