"""Each UK pattern recogniser on its own."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


def test_street_addresses_with_a_flat_before_them() -> None:
    text = "Seen at Flat 2, 12 Oak Street and at 3a Mill Rd. Not in 12 months or at 14 June."
    assert found(r.street_addresses, text) == ["Flat 2, 12 Oak Street", "3a Mill Rd"]
    keys = [s.key for s in r.street_addresses(text)]
    assert keys == ["flat 2 12 oak street", "3a mill road"]  # as linkage keys an address


def test_named_places_by_their_type_word() -> None:
    text = (
        "Went to Golden Pizza, then the Moorside Guest House; picked up from St Aidan's "
        "School by Crown Cars. Went to school by car, saw The Hotel."
    )
    spans = list(r.named_places(text))
    assert [text[s.start : s.end] for s in spans] == [
        "Golden Pizza",
        "Moorside Guest House",
        "St Aidan's School",
        "Crown Cars",
    ]
    assert [s.key for s in spans] == [
        "takeaway:golden pizza",
        "hotel:moorside guest house",
        "school:st aidan's school",
        "taxi_firm:crown cars",
    ]


@pytest.mark.parametrize(
    ("text", "written", "series"),
    [
        ("seen by PC 1234 Smith today", "PC 1234 Smith", "Police officer"),
        ("DS Jane Doe rang", "DS Jane Doe", "Police officer"),
        ("and Police Constable Ann Dee", "Police Constable Ann Dee", "Police officer"),
        ("Saw Social Worker Ann Lee.", "Social Worker Ann Lee", "Social worker"),
        ("per SW Kate Moss", "SW Kate Moss", "Social worker"),
        ("Senior Youth Worker Bob Hope", "Senior Youth Worker Bob Hope", "Senior youth worker"),
    ],
)
def test_professionals_named_with_their_role(text: str, written: str, series: str) -> None:
    (span,) = r.professionals(text)
    assert text[span.start : span.end] == written
    assert span.kind == "professional"
    assert span.key is not None and span.key.split("|")[0] == series


@pytest.mark.parametrize(
    "text", ["GP\nReferral received", "PCs attended", "the Officer in charge", "Social Worker 1"]
)
def test_roles_without_a_name_are_not_professionals(text: str) -> None:
    assert list(r.professionals(text)) == []


FRAGMENTS = [
    *("Mr Kay Smith", "DOB 14/06/2001", "943 476 5919", "AB 12 34 56 C", "07700 900123"),
    *("+44 7700 900123", "YB02 KLM", "reg AB12", "S60 1AA", "postcode S60", "aged 14"),
    *("14yo", "known as Kay", "kay@example.org", "12 Oak Street", "PC Smith", "Golden Pizza"),
    *("1", "0", "12", "x", "-", "(", "?", "\n", " ", ",", ".", "a", "B"),
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=30).map("".join))
def test_all_at_once_finds_what_each_recogniser_finds_alone(text: str) -> None:
    # `recognise` shares scans between recognisers; it must find all they find alone.
    alone = {span for recogniser in r.RECOGNISERS for span in recogniser(text)}
    together = set(r.recognise(text))
    assert alone <= together
    # It may find more, never less: a number just after a word ("Smith(07700 900123")
    # that alone is lost inside a candidate the word disqualifies. Each is found
    # alone in the text from where a word starts, just before it or at it.
    for span in together - alone:
        starts = [
            at
            for at in range(max(0, span.start - 20), span.start + 1)
            if at == 0 or not (text[at - 1].isalnum() or text[at - 1] in "_+")
        ]
        assert any(
            span._replace(start=span.start - at, end=span.end - at) in set(recogniser(text[at:]))
            for at in starts
            for recogniser in r.RECOGNISERS
        )
