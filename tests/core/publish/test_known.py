"""Known identifiers: every variant of every name, in one pass."""

from __future__ import annotations

from vigil.core.publish import KnownEntity, KnownMatcher, Redactor
from vigil.core.publish.known import fold

MO = KnownEntity(
    "person-1",
    "person",
    category="adult",
    names=("Mohammed Khan aka Mo",),
    phones=("07700 900123",),
    dobs=("1980-04-02",),
)
KAY = KnownEntity(
    "person-2",
    "person",
    category="child",
    names=("SMITH, Kayleigh",),
    addresses=("Flat 3, 44 Bridge Terrace, Ashworth",),
    postcodes=("S60 1AA",),
)
CAR = KnownEntity("vehicle-1", "vehicle", vrms=("YB02 KL?",))


def whose(text: str) -> list[tuple[str, str | None]]:
    redactor = Redactor([MO, KAY, CAR], ner=False)
    return [(text[s.start : s.end], s.entity_id) for s in redactor.spans(text)]


def test_fold_keeps_length() -> None:
    for text in ("Łukasz O'Brien, İstanbul", "ÆSIR-ß", "plain"):
        assert len(fold(text)) == len(text)


def test_transliterations_and_surname_first() -> None:
    assert whose("Muhammad KHAN was there") == [("Muhammad KHAN", "person-1")]
    assert whose("KHAN, Mohamed was there") == [("KHAN, Mohamed", "person-1")]


def test_nickname_alone_must_be_capitalised() -> None:
    assert whose("Kayleigh was with Mo.") == [("Kayleigh", "person-2"), ("Mo", "person-1")]
    assert whose("she said mo than once") == []


def test_nickname_and_other_spellings_of_the_forename() -> None:
    liz = KnownEntity("person-3", "person", names=("Elizabeth Jones",))
    redactor = Redactor([liz, KAY], ner=False)
    text = "Lizzie Jones and Kaylee Smith rang"
    assert [(text[s.start : s.end], s.entity_id) for s in redactor.spans(text)] == [
        ("Lizzie Jones", "person-3"),
        ("Kaylee Smith", "person-2"),
    ]


def test_unknown_surname_beside_a_known_forename_is_taken_with_it() -> None:
    assert whose("Kayleigh Smithe rang") == [("Kayleigh Smithe", "person-2")]


def test_address_phone_postcode_dob_and_partial_plate() -> None:
    text = (
        "At Flat 3, 44 Bridge Terrace (S601AA), DOB 02/04/1980, phone +44 7700 900 123, "
        "car YB02 KLM"
    )
    assert whose(text) == [
        ("Flat 3, 44 Bridge Terrace", "person-2"),
        ("S601AA", "person-2"),
        ("02/04/1980", "person-1"),
        ("+44 7700 900 123", "person-1"),
        ("YB02 KLM", "vehicle-1"),  # fits the partial plate the store holds
    ]


def test_words_inside_other_words_are_not_matched() -> None:
    matcher = KnownMatcher.build([MO])
    assert matcher.find("Moscow and Khanate") == []


def test_a_partial_plate_at_the_very_end_of_a_text() -> None:
    redactor = Redactor([CAR, KnownEntity("vehicle-2", "vehicle", vrms=("AB1?",))], ner=False)
    for text, plate in (
        ("car YB02 KL?", "YB02 KL?"),
        ("AB1?", "AB1?"),
        ("in YB02 KL? x", "YB02 KL?"),
    ):
        assert [text[s.start : s.end] for s in redactor.spans(text)] == [plate]
