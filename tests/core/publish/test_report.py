"""A knowledge report made publishable, rendered, and checked before release."""

from __future__ import annotations

from datetime import UTC, datetime

from vigil.core.knowledge import (
    ActionFact,
    KnowledgeFacts,
    ReadFact,
    RecordFact,
    StaffFact,
    build_chronology,
    summarise,
)
from vigil.core.publish import KnownEntity, KnownMatcher, Redactor
from vigil.core.publish.report import (
    final_check,
    html_text,
    pdf_text,
    public_report,
    render_pdf,
    report_html,
)

KAY = KnownEntity(
    "p-1", "person", category="child", names=("Kayleigh Smith",), postcodes=("S60 1AA",)
)
MO = KnownEntity("p-2", "person", category="adult", names=("Mohammed Khan aka Mo",))
JUNE = KnownEntity("p-3", "person", category="child", names=("June Ellis",))
CAR = KnownEntity("v-1", "vehicle", vrms=("YB02 KLM",))
ENTITIES = [KAY, MO, JUNE, CAR]


def at(month: int, day: int = 1) -> datetime:
    return datetime(2021, month, day, 9, tzinfo=UTC)


FACTS = KnowledgeFacts(
    entity_ids=("p-1", "v-1"),
    records=(
        RecordFact(
            "pol-1",
            "police",
            "intelligence",
            at(3, 14),
            author="pol-7",
            title="Kayleigh Smith seen getting into YB02 KLM with Mo",
            shared_with=("children_social_care",),
        ),
        RecordFact(
            "csc-1",
            "children_social_care",
            "referral",
            at(5, 2),
            author="csc-3",
            title="Referral: SMITH, Kayleigh missing overnight, found at S60 1AA",
        ),
    ),
    reads=(ReadFact("pol-1", "csc-3", at(3, 20)),),
    actions=(
        ActionFact("a-1", "no_further_action", at(4, 1), "police", ("pol-1",), by="pol-8"),
        ActionFact(
            "a-2", "arrest", at(9, 9), "police", ("pol-1",), by="pol-7", rationale="Evidence."
        ),
    ),
    staff={
        "pol-7": StaffFact("pol-7", "police", "Jane Doe", "Detective Sergeant"),
        "pol-8": StaffFact("pol-8", "police", "John Roe", "Inspector"),
        "csc-3": StaffFact("csc-3", "children_social_care", "Ann Poe", "Social Worker"),
    },
)


def build() -> tuple[str, str]:
    chronology = build_chronology(FACTS)
    summary = summarise(FACTS, chronology)
    report = public_report(
        title="What was known about Kayleigh Smith",
        facts=FACTS,
        chronology=chronology,
        summary=summary,
        redactor=Redactor(ENTITIES, ner=False),
    )
    return report_html(report), "\n".join(e.pseudonym for e in report.key)


def test_the_report_names_no_one_and_keeps_one_pseudonym_throughout() -> None:
    html, pseudonyms = build()
    text = html_text(html)
    for identifier in ("Kayleigh", "SMITH", "YB02", "Mo ", "S60 1AA", "Jane Doe", "pol-7", "csc-1"):
        assert identifier not in text
    assert "What was known about Child A" in text
    assert "About: Child A, Vehicle 1." in text
    assert "Child A seen getting into Vehicle 1 with Adult 1" in text
    assert "Referral: Child A missing overnight, found at the S60 area" in text
    assert pseudonyms.split("\n") == ["Child A", "Vehicle 1", "Adult 1"]


def test_a_reader_can_follow_who_knew_what_when_and_what_was_done() -> None:
    text = html_text(build()[0])
    assert "March 2021 Detective Sergeant 1, police recorded an intelligence" in text
    assert "Social Worker 1, children's social care read the intelligence" in text
    assert "Inspector 1, police decided: no further action, with no rationale recorded" in text
    assert "took action: arrest, with a written rationale" in text
    assert "First known to any agency March 2021" in text
    assert "14" not in text.split("Chronology")[1].split("entries")[1]  # no day of the month


def test_the_final_check_finds_what_the_store_knows_and_passes_a_clean_report() -> None:
    matcher = KnownMatcher.build(ENTITIES)
    html = build()[0]
    assert final_check({"html": html_text(html)}, matcher) == []
    leaked = final_check(
        {"html": "Seen with muhammad khan in yb02klm", "pdf": "Kayleigh rang 07700 900123"},
        matcher,
    )
    assert {(leak.where, leak.kind, leak.entity_id) for leak in leaked} == {
        ("html", "person", "p-2"),
        ("html", "vehicle", "v-1"),
        ("pdf", "person", "p-1"),
        ("pdf", "phone", None),
    }


def test_a_month_is_not_taken_for_a_child_of_that_name() -> None:
    matcher = KnownMatcher.build(ENTITIES)
    assert final_check({"html": "Recorded in June 2021."}, matcher) == []
    assert [leak.entity_id for leak in final_check({"html": "June was there."}, matcher)] == ["p-3"]


def test_the_pdf_says_what_the_html_says() -> None:
    html = build()[0]
    text = " ".join(pdf_text(render_pdf(html)).split())
    assert "Child A seen getting into Vehicle 1" in text
    assert "Kayleigh" not in text


def test_the_final_check_refuses_a_named_professional_but_not_a_town() -> None:
    matcher = KnownMatcher.build(
        [*ENTITIES, KnownEntity("a-1", "address", addresses=("4 Mill Lane, Ashworth",))]
    )
    assert matcher.home_town == "ashworth"
    assert final_check({"html": "Police officer 1 visited in Ashworth."}, matcher) == []
    leaked = final_check({"html": "DS Jane Doe visited in Ashworth."}, matcher)
    assert [(leak.kind, leak.entity_id) for leak in leaked] == [("professional", None)]
