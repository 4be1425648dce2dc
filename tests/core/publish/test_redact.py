"""Redaction as a whole: merging, pseudonyms, the key kept apart."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from vigil.core.publish import KnownEntity, Redactor, Span, merge

ENTITIES = [
    KnownEntity("p-1", "person", category="child", names=("Kayleigh Smith",), dobs=("2001-06-14",)),
    KnownEntity("p-2", "person", category="child", names=("Jade Brown",)),
    KnownEntity("p-3", "person", category="adult", names=("Mohammed Khan aka Mo",)),
    KnownEntity("v-1", "vehicle", vrms=("YB02 KLM",)),
    KnownEntity("o-1", "organisation", org_type="taxi_firm", names=("Crown Cars",)),
]
REDACTOR = Redactor(ENTITIES, ner=False)


def test_overlapping_spans_merge_and_the_strongest_label_wins() -> None:
    spans = [
        Span(0, 5, "person", key="a"),
        Span(3, 9, "person", "p-1", "p-1", "known"),
        Span(20, 25, "date"),
        Span(22, 30, "dob"),
        Span(40, 45, "age"),
    ]
    assert merge(spans) == [
        Span(0, 9, "person", "p-1", "p-1", "known"),
        Span(20, 30, "dob"),
        Span(40, 45, "age"),
    ]


def test_pseudonyms_are_consistent_across_a_document() -> None:
    text = (
        "Kayleigh Smith (DOB 14/06/2001) was seen with Mo in YB02 KLM, a Crown Cars taxi. "
        "Jade Brown, aged 14, was with her. Later Muhammad KHAN drove SMITH, Kayleigh home "
        "in YB02KLM. Mr Jones called 07700 900123 and 07700900123."
    )
    result = REDACTOR.redact(text)
    assert result.text == (
        "Child A (DOB June 2001) was seen with Adult 1 in Vehicle 1, a Taxi firm 1 taxi. "
        "Child B, aged 13-15, was with her. Later Adult 1 drove Child A home "
        "in Vehicle 1. Adult 2 called Phone 1 and Phone 1."
    )
    key = {entry.pseudonym: entry for entry in result.key}
    assert key["Child A"].entity_id == "p-1"
    assert set(key["Child A"].written) == {"Kayleigh Smith", "SMITH, Kayleigh"}
    assert key["Adult 1"].entity_id == "p-3"
    assert key["Adult 2"].entity_id is None
    # The key is apart from the text: nothing it replaced is left in the output.
    for entry in result.key:
        for written in entry.written:
            assert written not in result.text


def test_places_are_generalised() -> None:
    result = Redactor(
        [KnownEntity("p-9", "person", addresses=("12 Oak Street, Ashworth",))], ner=False
    ).redact("Seen at 12 Oak Street, Ashworth and at S60 1AA.")
    assert result.text == "Seen at an address in the town (Address 1) and at the S60 area."


def test_many_texts_at_once_give_what_each_gives_alone() -> None:
    texts = ["Kayleigh Smith in YB02 KLM", "", "Mo rang 07700 900123", "Jade Brown"]
    assert REDACTOR.spans_many(texts) == [REDACTOR.spans(t) for t in texts]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_never_crashes_and_spans_stay_inside_the_text(text: str) -> None:
    spans = REDACTOR.spans(text)
    assert all(0 <= s.start < s.end <= len(text) for s in spans)
    assert all(a.end <= b.start for a, b in pairwise(spans))
    REDACTOR.redact(text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="Mr KayleighSmith07 9+()-/?ABYKLM012,.DOB:\n", max_size=120))
def test_never_crashes_on_identifier_like_text(text: str) -> None:
    REDACTOR.redact(text)


TOWNS = [
    KnownEntity(
        "p-9",
        "person",
        category="child",
        names=("Kayleigh Smith",),
        addresses=("12 Oak Street, Ashworth",),
    ),
    KnownEntity("p-8", "person", addresses=("4 Mill Lane, Ashworth", "7 Elm Way, Calderby")),
    KnownEntity("p-7", "person", category="adult", names=("Mohammed Khan",)),
    KnownEntity("o-1", "organisation", org_type="taxi_firm", names=("Crown Cars",)),
]


def test_towns_and_addresses_are_generalised_consistently() -> None:
    # Ashworth is the town most known addresses are in: "the town"; another is numbered.
    result = Redactor(TOWNS, ner=False).redact(
        "Met in Ashworth, then at 7 Elm Way, Calderby and 9 Rose Avenue, Calderby; "
        "back to 12 Oak St in Ashworth. Later 9 Rose Avenue again, and Calderby."
    )
    assert result.text == (
        "Met in the town, then at an address in another town (Address 1) and an address "
        "in another town (Address 2); back to an address in the town (Address 3) in the "
        "town. Later an address in another town (Address 2) again, and another town (Town 1)."
    )
    key = {entry.pseudonym: entry for entry in result.key}
    assert key["Address 1"].entity_id == "p-8"
    assert key["Address 2"].entity_id is None  # found by its pattern
    assert set(key["Address 2"].written) == {"9 Rose Avenue, Calderby", "9 Rose Avenue"}
    assert key["Address 3"].entity_id == "p-9"  # "12 Oak St" is the known "12 Oak Street"
    assert key["Town 1"].written == ("Calderby",)
    for word in ("Ashworth", "Calderby", "Rose", "Oak", "Elm"):
        assert word not in result.text


def test_known_streets_are_generalised_wherever_written() -> None:
    result = Redactor(TOWNS, ner=False).redact(
        "Seen on Oak Street, then Elm Way, then Oak Street again; oak street is no name."
    )
    assert result.text == (
        "Seen on a street (Street 1), then a street (Street 2), then a street (Street 1) "
        "again; oak street is no name."
    )


def test_named_places_become_their_type_numbered() -> None:
    result = Redactor(TOWNS, ner=False).redact(
        "Seen at Golden Pizza with a Crown Cars driver, then at Star Taxis and Golden Pizza."
    )
    assert result.text == (
        "Seen at Takeaway 1 with a Taxi firm 1 driver, then at Taxi firm 2 and Takeaway 1."
    )


def test_professionals_are_named_by_role_never_in_clear() -> None:
    result = Redactor(TOWNS, ner=False).redact(
        "PC 1234 Smith and DC Mohammed Khan saw Kayleigh Smith. Social Worker Ann Lee "
        "told PC Smith; Mohammed Khan was not there."
    )
    # A professional's name, even one the store knows as someone else's, goes with
    # their role: the title says who they are here.
    assert result.text == (
        "Police officer 1 and Police officer 2 saw Child A. Social worker 1 "
        "told Police officer 1; Adult 1 was not there."
    )
    key = {entry.pseudonym: entry for entry in result.key}
    assert key["Police officer 1"].kind == "professional"
    assert set(key["Police officer 1"].written) == {"PC 1234 Smith", "PC Smith"}
    assert key["Adult 1"].entity_id == "p-7"
