"""A knowledge chronology and its summary as a document the public can read.

The chronology says who knew what and when, and what was done; here it is
made publishable: the people it is about become "Child A", "Adult 1",
"Vehicle 1"; professionals are named by role and agency ("Detective
Sergeant 1, police"); every date is given to the month; record titles are
redacted with one set of pseudonyms for the whole document. Record and
staff ids are left out: they lead back to the files.

Before release, `final_check` reads the rendered output back (the HTML's
text and the PDF's extracted text) and lists every identifier the store
knows that is still there; a document with any is not released.
"""

from __future__ import annotations

import calendar
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from html import escape, unescape

from vigil.core.knowledge import EventKind, KnowledgeEvent, KnowledgeFacts, KnowledgeSummary
from vigil.core.publish.known import KnownMatcher
from vigil.core.publish.pseudonyms import KeyEntry, Pseudonyms
from vigil.core.publish.recognisers import recognise
from vigil.core.publish.redact import Redactor
from vigil.core.publish.spans import Span

# What a reader is told about the entities a report is about, by type.
_SUBJECT_KINDS = {"person", "vehicle", "phone", "address", "organisation", "email"}
# Pattern kinds that must not be in a released document; ages and dates are
# published as bands and months, which the age and date patterns would flag.
_NEVER_RELEASED = {
    "phone",
    "vehicle",
    "postcode",
    "nhs_number",
    "ni_number",
    "email",
    "dob",
    "person",
    "professional",
}
# "June 2021" is how every date is published, even when a child is called June.
_MONTH_AND_YEAR = re.compile("(?:" + "|".join(calendar.month_name[1:]) + r")\s+\d{4}\b")
_TAG = re.compile(r"<(script|style)\b.*?</\1>|<[^>]+>", re.DOTALL | re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ChronologyLine:
    """One line of the published chronology.

    Attributes:
        month: When, to the month ("March 2021").
        who: By role and agency ("Social Worker 2, children's social care").
        what: What was known or done, redacted.
        kind: recorded, discussed, shared, read, decided or acted.
    """

    month: str
    who: str
    what: str
    kind: str


@dataclass(frozen=True, slots=True)
class PublicReport:
    """A redacted knowledge report, ready to render.

    Attributes:
        title: The title, redacted.
        about: The pseudonyms of the entities it is about.
        summary: (question, answer) pairs: the network summary.
        agencies: (agency, month it first knew, professionals who knew).
        lines: The chronology.
        key: Pseudonym to entity: to be sealed, never published.
        redacted: How many identifiers were replaced in titles.
    """

    title: str
    about: tuple[str, ...]
    summary: tuple[tuple[str, str], ...]
    agencies: tuple[tuple[str, str, int], ...]
    lines: tuple[ChronologyLine, ...]
    key: tuple[KeyEntry, ...]
    redacted: int


@dataclass(frozen=True, slots=True)
class Leak:
    """An identifier found in rendered output by the final check.

    Attributes:
        where: Which rendering ("html" or "pdf").
        kind: What it is (person, vehicle, phone, ...).
        entity_id: The known entity it identifies, or None for a pattern.
    """

    where: str
    kind: str
    entity_id: str | None


def month(moment: datetime | None) -> str:
    """A moment to the month, as published ("March 2021"; "not known")."""
    if moment is None:
        return "not known"
    return f"{calendar.month_name[moment.month]} {moment.year}"


def agency_name(code: str | None) -> str:
    """An agency code in words ("children_social_care" to "children's social care")."""
    if not code:
        return "an unknown agency"
    words = code.replace("_", " ")
    return re.sub(r"\bchildren?s? social", "children's social", words)


class _Professionals:
    """Professionals by role and agency, numbered within each, in order of appearance."""

    def __init__(self, facts: KnowledgeFacts) -> None:
        self.facts = facts
        self.labels: dict[str, str] = {}
        self.counts: dict[tuple[str, str], int] = {}

    def label(self, staff_id: str | None, agency: str | None) -> str:
        if staff_id is None:
            return agency_name(agency)
        if staff_id not in self.labels:
            known = self.facts.staff.get(staff_id)
            role = (known.role if known and known.role else None) or (
                "Vigil user" if staff_id.startswith("vigil-user:") else "Professional"
            )
            where = known.agency if known else agency
            count = self.counts.get((role, where or ""), 0) + 1
            self.counts[(role, where or "")] = count
            self.labels[staff_id] = f"{role} {count}, {agency_name(where)}"
        return self.labels[staff_id]


def public_report(
    *,
    title: str,
    facts: KnowledgeFacts,
    chronology: list[KnowledgeEvent],
    summary: KnowledgeSummary,
    redactor: Redactor,
) -> PublicReport:
    """Makes a knowledge report publishable.

    Args:
        title: What the author calls it (redacted too: it may name someone).
        facts: The facts the chronology was built from.
        chronology: `build_chronology(facts)`.
        summary: `summarise(facts, chronology, ...)`.
        redactor: Built with every identifier the store knows.

    Returns:
        The redacted report and, apart, the key to its pseudonyms.
    """
    pseudonyms = redactor.pseudonyms()
    about = tuple(
        _subject(redactor.matcher, pseudonyms, entity_id) for entity_id in facts.entity_ids
    )
    redacted = 0

    def clean(text: str) -> str:
        nonlocal redacted
        done = redactor.redact(text, pseudonyms)
        redacted += len(done.spans)
        return done.text

    titles = {
        record.record_id: clean(record.title or record.kind.replace("_", " "))
        for record in facts.records
    }
    kinds = {record.record_id: record.kind.replace("_", " ") for record in facts.records}
    people = _Professionals(facts)
    lines = tuple(
        ChronologyLine(
            month=month(event.when),
            who=people.label(event.staff, event.agency),
            what=_what(event, titles, kinds, people),
            kind=str(event.kind),
        )
        for event in chronology
    )
    return PublicReport(
        title=clean(title),
        about=tuple(a for a in about if a),
        summary=_summary(summary, people),
        agencies=tuple(
            (agency_name(agency), month(when), summary.professionals_by_agency.get(agency, 0))
            for agency, when in summary.agencies_first_knew.items()
        ),
        lines=lines,
        key=tuple(pseudonyms.key()),
        redacted=redacted,
    )


def _subject(matcher: KnownMatcher, pseudonyms: Pseudonyms, entity_id: str) -> str:
    entity = matcher.entities.get(entity_id)
    if entity is None or entity.type not in _SUBJECT_KINDS:
        return ""
    written = next(
        iter((*entity.names, *entity.vrms, *entity.phones, *entity.addresses, *entity.emails)),
        entity_id,
    )
    return pseudonyms.replace(Span(0, 0, entity.type, entity_id, entity_id, "known"), written)


def _what(
    event: KnowledgeEvent,
    titles: Mapping[str, str],
    kinds: Mapping[str, str],
    people: _Professionals,
) -> str:
    title = titles.get(event.record_id or "", "a record")
    kind = kinds.get(event.record_id or "", "record")
    if event.kind is EventKind.RECORDED:
        article = "an" if kind[:1] in set("aeiou") else "a"
        return f"recorded {article} {kind}: {title}"
    if event.kind is EventKind.DISCUSSED:
        return f"discussed at a meeting: {title}"
    if event.kind is EventKind.SHARED:
        return f"was sent the {kind}: {title}"
    if event.kind is EventKind.READ:
        return f"read the {kind}: {title}"
    action = (event.action_kind or "action").replace("_", " ")
    reason = "with a written rationale" if event.has_rationale else "with no rationale recorded"
    verb = "decided" if event.kind is EventKind.DECIDED else "took action"
    if event.summary.startswith("approved "):
        verb = "approved the decision" if event.kind is EventKind.DECIDED else "approved the action"
    return f"{verb}: {action}, {reason} (on the {kind}: {title})"


def _summary(summary: KnowledgeSummary, people: _Professionals) -> tuple[tuple[str, str], ...]:
    nfa = summary.no_further_action
    deciders = ", ".join(people.label(staff_id, None) for staff_id in nfa.deciders) or "no one"
    first = summary.first_action
    if first is None:
        acted = "none recorded"
    else:
        words = first.kind.replace("_", " ")
        acted = f"{words}, {month(first.when)}, by {people.label(first.by, first.agency)}"
    if summary.gap_days is None:
        gap = "not known"
    elif summary.gap_until_now:
        gap = f"{summary.gap_days:,} days and counting: never acted on"
    else:
        gap = f"{summary.gap_days:,} days"
    return (
        ("First known to any agency", month(summary.first_knowledge)),
        ("Agencies that knew", f"{len(summary.agencies_first_knew):,}"),
        ("Professionals who knew", f"{summary.professionals:,}"),
        (
            "Decisions of no further action",
            f"{nfa.count:,} ({nfa.with_rationale:,} with a written rationale, "
            f"{nfa.without_rationale:,} without), by {deciders}",
        ),
        ("First action taken", acted),
        ("From first knowledge to first action", gap),
    )


_STYLE = """
@page{size:A4;margin:18mm 15mm}
body{font-family:"DejaVu Sans",Arial,Helvetica,sans-serif;color:#0b0c0c;font-size:11pt;
line-height:1.35;margin:0}
main{max-width:1000px;margin:0 auto;padding:12px}
h1{font-size:20pt;margin:0 0 10px}h2{font-size:14pt;margin:22px 0 8px}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:5px 8px 5px 0;border-bottom:1px solid #b1b4b6;vertical-align:top}
th{font-weight:700}.note{border-left:6px solid #1d70b8;padding:6px 12px;margin:12px 0}
.status{font-weight:700;text-transform:uppercase;letter-spacing:1px}
"""


def report_html(report: PublicReport, *, status: str = "") -> str:
    """The report as one standalone HTML page (no external assets; WeasyPrint renders it).

    Args:
        report: The redacted report.
        status: Printed at the top when given ("draft"); a report to be released
            has none, so what is checked is what is published.
    """
    about = ", ".join(report.about) or "not stated"
    summary = "".join(
        f'<tr><th scope="row">{escape(q)}</th><td>{escape(a)}</td></tr>' for q, a in report.summary
    )
    agencies = "".join(
        f"<tr><td>{escape(name)}</td><td>{escape(when)}</td><td>{count:,}</td></tr>"
        for name, when, count in report.agencies
    )
    lines = "".join(
        f"<tr><td>{escape(line.month)}</td><td>{escape(line.who)}</td>"
        f"<td>{escape(line.what)}</td></tr>"
        for line in report.lines
    )
    return (
        '<!DOCTYPE html>\n<html lang="en-GB"><head><meta charset="utf-8">'
        f"<title>{escape(report.title)}</title><style>{_STYLE}</style></head><body><main>"
        + (f'<p class="status">{escape(status)}</p>' if status else "")
        + f"<h1>{escape(report.title)}</h1>"
        f"<p>About: {escape(about)}.</p>"
        '<p class="note">No one in this report can be identified. Children are named '
        '"Child A", "Child B"; adults "Adult 1"; vehicles, telephones and organisations are '
        "numbered. Professionals are named by role and agency, ages are given as bands, places "
        "generalised and every date to the month.</p>"
        f"<h2>Summary</h2><table><caption hidden>Summary</caption><tbody>{summary}</tbody></table>"
        "<h2>When each agency first knew</h2><table><thead><tr><th>Agency</th>"
        f"<th>First knew</th><th>Professionals who knew</th></tr></thead><tbody>{agencies}"
        f"</tbody></table><h2>Chronology: who knew what, when, and what was done "
        f"({len(report.lines):,} entries)</h2><table><thead><tr><th>When</th><th>Who</th>"
        f"<th>What was known or done</th></tr></thead><tbody>{lines}</tbody></table>"
        "</main></body></html>\n"
    )


def render_pdf(html: str) -> bytes:
    """The HTML as a PDF (WeasyPrint; nothing is fetched: the page has no external assets).

    Args:
        html: From `report_html`.
    """
    # Imported here: it loads Pango, needed only for PDFs.
    from weasyprint import HTML  # type: ignore[import-untyped]

    def refuse(url: str, timeout: int = 10, ssl_context: object = None) -> dict[str, object]:
        raise ValueError(f"a published report fetches nothing ({url})")

    pdf: bytes = HTML(string=html, url_fetcher=refuse).write_pdf()
    return pdf


def html_text(html: str) -> str:
    """The text a reader of an HTML page sees (tags removed, entities decoded, spaces single)."""
    return " ".join(unescape(_TAG.sub(" ", html)).split())


def pdf_text(pdf: bytes) -> str:
    """The text extracted from every page of a PDF."""
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


def final_check(rendered: Mapping[str, str], matcher: KnownMatcher) -> list[Leak]:
    """Every identifier still in the rendered output: release is refused when any is.

    Args:
        rendered: Text by where it came from, e.g. {"html": ..., "pdf": ...}.
        matcher: Every identifier the store knows (every name variant and
            alias, plate, phone, address, postcode of every entity).

    Returns:
        What was found, by where and whose; empty when the output is clean.
    """
    leaks: list[Leak] = []
    for where, text in rendered.items():
        leaks.extend(
            Leak(where, span.kind, span.entity_id)
            for span in matcher.find(text)
            # A town or street is a place, no one's identifier: a report may name one.
            if span.kind != "place" and not _MONTH_AND_YEAR.match(text, span.start)
        )
        leaks.extend(
            Leak(where, span.kind, matcher.entity_of(span.kind, span.key))
            for span in recognise(text)
            if span.kind in _NEVER_RELEASED
        )
    return leaks
