"""Each UK pattern recogniser on its own."""

from __future__ import annotations

import pytest

from vigil.core.publish import recognisers as r


def found(recogniser: r.Recogniser, text: str) -> list[str]:
    return [text[s.start : s.end] for s in recogniser(text)]


@pytest.mark.parametrize("number", ["9434765919", "943 476 5919", "943-476-5919"])
def test_nhs_number_with_a_valid_checksum_is_found(number: str) -> None:
    assert found(r.nhs_numbers, f"NHS no {number} seen") == [number]


@pytest.mark.parametrize("number", ["9434765918", "1234567890"])
def test_nhs_number_with_a_bad_checksum_is_not(number: str) -> None:
    assert not r.nhs_number_valid(number)
    assert found(r.nhs_numbers, f"ref {number}") == []


def test_nhs_checksum_of_ten_is_never_valid() -> None:
    # 000000001: weights give a remainder of 1, so the check digit would be 10.
    assert not any(r.nhs_number_valid(f"000000006{d}") for d in "0123456789")


@pytest.mark.parametrize("ni", ["AB 12 34 56 C", "ab123456c", "JG103759A"])
def test_ni_numbers_with_issued_prefixes_are_found(ni: str) -> None:
    assert found(r.ni_numbers, f"NI {ni}.") == [ni]


@pytest.mark.parametrize("ni", ["DA123456A", "AO123456A", "GB123456A", "TN123456A", "QQ123456A"])
def test_ni_numbers_with_prefixes_never_issued_are_not(ni: str) -> None:
    assert found(r.ni_numbers, f"NI {ni}.") == []


@pytest.mark.parametrize(
    "plate", ["YB02 KLM", "YB02KLM", "YB02 KL?", "Y?02 K?M", "A123 BCD", "ABC 123D", "YB02*"]
)
def test_plates_of_every_scheme_and_partial_ones_are_found(plate: str) -> None:
    assert found(r.vehicle_registrations, f"seen in {plate} at night") == [plate]


def test_a_dateless_plate_is_found_only_after_a_cue() -> None:
    assert found(r.vehicle_registrations, "VRM: ABC 123 seen") == ["ABC 123"]
    assert found(r.vehicle_registrations, "room ABC 123 booked") == []


def test_a_plate_with_too_few_known_characters_is_not_taken() -> None:
    assert found(r.vehicle_registrations, "car ??02 ??? seen") == []


@pytest.mark.parametrize(
    "phone",
    [
        "07700 900123",
        "07700900123",
        "+44 7700 900123",
        "+44 (0)7700 900123",
        "0114 496 0000",
        "(0114) 496 0000",
        "0044 7700 900123",
    ],
)
def test_phone_numbers_in_any_formatting_are_found(phone: str) -> None:
    spans = list(r.phone_numbers(f"call {phone} now"))
    assert len(spans) == 1
    assert spans[0].key in {"+447700900123", "+441144960000"}


def test_a_short_number_is_not_a_phone() -> None:
    assert found(r.phone_numbers, "room 0123 on floor 2") == []


def test_postcodes_whole_and_after_the_word_postcode() -> None:
    assert found(r.uk_postcodes, "lives at S60 1AA now") == ["S60 1AA"]
    assert found(r.uk_postcodes, "lives at S601AA now") == ["S601AA"]
    assert found(r.uk_postcodes, "postcode S60 1 only") == ["S60 1"]
    assert found(r.uk_postcodes, "postcode district S60") == ["S60"]
    assert found(r.uk_postcodes, "the M1 motorway") == []


def test_dates_of_birth_after_a_cue_and_other_dates_to_the_month() -> None:
    spans = list(r.dates_of_birth("DOB: 14/06/2001, seen 3rd March 2005, born 2001-06-14"))
    assert [(s.kind, s.key) for s in spans] == [
        ("dob", "2001-06"),
        ("date", "2005-03"),
        ("dob", "2001-06"),
    ]


def test_emails() -> None:
    assert found(r.email_addresses, "wrote to kay.smith+x@gmail.com today") == [
        "kay.smith+x@gmail.com"
    ]


def test_names_by_title_and_by_known_as() -> None:
    text = "Mr Tariq Hussain and Mrs J. Smith; known as Big Dave, aka Mo."
    assert found(r.names_by_context, text) == ["Mr Tariq Hussain", "Mrs J. Smith", "Big Dave", "Mo"]


def test_ages() -> None:
    text = "aged 14, a 15 year old and a 16yo; room 12"
    assert [s.key for s in r.ages(text)] == ["14", "15", "16"]
