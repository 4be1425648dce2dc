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
