"""Vehicle registrations: cleaning, schemes, partial plates, comparison."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vigil.core.normalise import vehicles
from vigil.core.normalise.vehicles import VrmFormat, VrmLevel

plate = st.text(alphabet="ABCKLMYZ0123456789", min_size=2, max_size=8)


@pytest.mark.parametrize(
    ("written", "clean"),
    [
        ("yb02 kl?", "YB02KL?"),
        ("YB02 KL_", "YB02KL?"),
        ("  y-b-0-2 k.l.m ", "YB02KLM"),
        ("YB02*", "YB02*"),
        ("YB02***", "YB02*"),
        ("???", None),
        ("*", None),
        ("unknown", None),
        ("N/K", None),
        ("", None),
    ],
)
def test_clean(written: str, clean: str | None) -> None:
    assert vehicles.clean(written) == clean


@pytest.mark.parametrize(
    ("written", "scheme", "shown"),
    [
        ("ab12cde", VrmFormat.CURRENT, "AB12 CDE"),
        ("YB02KL?", VrmFormat.CURRENT, "YB02 KL?"),
        ("A123BCD", VrmFormat.PREFIX, "A123 BCD"),
        ("A1BCD", VrmFormat.PREFIX, "A1 BCD"),
        ("ABC123D", VrmFormat.SUFFIX, "ABC 123D"),
        ("ABZ1234", VrmFormat.NORTHERN_IRELAND, "ABZ 1234"),
        ("IA 99", VrmFormat.NORTHERN_IRELAND, "IA 99"),
        ("ABC123", VrmFormat.DATELESS, "ABC 123"),
        ("123ABC", VrmFormat.DATELESS, "123 ABC"),
        ("YB02*", None, "YB02*"),
        ("ABCDEFGHJ", None, "ABCDEFGHJ"),
    ],
)
def test_scheme_and_display(written: str, scheme: VrmFormat | None, shown: str) -> None:
    assert vehicles.vrm_format(written) == scheme
    assert vehicles.display(written) == shown


def test_display_of_nothing() -> None:
    assert vehicles.display("???") is None


@pytest.mark.parametrize(
    ("written", "partial"),
    [("YB02 KL?", True), ("YB02*", True), ("YB02 KLM", False), ("???", False)],
)
def test_is_partial(written: str, partial: bool) -> None:
    assert vehicles.is_partial(written) is partial


@pytest.mark.parametrize(
    ("a", "b", "fits"),
    [
        ("YB02 KL?", "YB02KLM", True),
        ("YB02 KL?", "YB02KL", False),  # a ? is exactly one character
        ("YB02 KL?", "YB03KLM", False),
        ("YB02KL?", "YB0?KLM", True),
        ("YB02*", "*KLM", True),
        ("YB02*", "YB02", True),  # * may be empty
        ("YB02*", "XB*", False),
        ("*02*", "YB02KLM", True),
        ("", "YB02KLM", False),
    ],
)
def test_compatible(a: str, b: str, fits: bool) -> None:
    assert vehicles.compatible(a, b) is fits
    assert vehicles.compatible(b, a) is fits


def test_matches_is_compatibility_with_a_full_plate() -> None:
    assert vehicles.matches("YB02 KL?", "YB02 KLM")
    assert not vehicles.matches("YB02 KL?", "AB12 CDE")


@pytest.mark.parametrize(
    ("a", "b", "level"),
    [
        ("YB02KLM", "yb02 klm", VrmLevel.EXACT),
        ("YB02KL?", "YB02KLM", VrmLevel.COMPATIBLE),
        ("YB02KL?", "YB02KL?", VrmLevel.COMPATIBLE),  # two partials are never certain
        ("YB02KLM", "YB02KIM", VrmLevel.ONE_EDIT),
        ("Y802KLM", "YB02KLM", VrmLevel.LOOK_ALIKE),
        ("YBO2KLM", "YB02KLM", VrmLevel.LOOK_ALIKE),
        ("YB02KLM", "YB02KML", VrmLevel.ONE_EDIT),
        ("YB02KLM", "AB12CDE", VrmLevel.NONE),
    ],
)
def test_compare(a: str, b: str, level: VrmLevel) -> None:
    assert vehicles.compare(a, b) == level
    assert vehicles.compare(b, a) == level


def test_compare_missing() -> None:
    assert vehicles.compare(None, "YB02KLM") is None
    assert vehicles.compare("???", "YB02KLM") is None


def test_to_regex() -> None:
    pattern = vehicles.to_regex("YB02 KL?")
    assert pattern is not None
    assert pattern.fullmatch("YB02KLM") and not pattern.fullmatch("YB02KL")
    runs = vehicles.to_regex("YB02*")
    assert runs is not None and runs.fullmatch("YB02KLM")
    assert vehicles.to_regex("") is None


def test_keys() -> None:
    assert vehicles.keys("YB02 KLM") == ("YB02KLM", "Y802KLM")
    assert vehicles.keys("YB02 KL?") == ("YB02KL",)
    assert vehicles.keys("YB?2 KLM") == ("YB", "2KLM")
    assert vehicles.keys("") == ()


@given(st.text(max_size=20))
def test_never_crashes_and_clean_is_idempotent(text: str) -> None:
    clean = vehicles.clean(text)
    if clean is not None:
        assert vehicles.clean(clean) == clean
        assert vehicles.clean(vehicles.display(clean) or "") == clean
    vehicles.keys(text)
    vehicles.vrm_format(text)
    vehicles.compare(text, "YB02KLM")


@given(plate, st.sets(st.integers(min_value=0, max_value=7)))
def test_a_plate_fits_itself_with_any_characters_hidden(full: str, hidden: set[int]) -> None:
    partial = "".join("?" if i in hidden else c for i, c in enumerate(full))
    if vehicles.clean(partial) is not None:
        assert vehicles.matches(partial, full)
        pattern = vehicles.to_regex(partial)
        assert pattern is not None and pattern.fullmatch(full)


@given(st.text(alphabet="AB12?*", max_size=6), st.text(alphabet="AB12?*", max_size=6))
def test_compatibility_is_symmetric(a: str, b: str) -> None:
    assert vehicles.compatible(a, b) == vehicles.compatible(b, a)
