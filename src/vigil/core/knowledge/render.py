"""A knowledge report as JSON, CSV or a standalone HTML page (no external assets)."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from html import escape
from typing import Any

from vigil.core.knowledge.chronology import KnowledgeEvent
from vigil.core.knowledge.summary import KnowledgeSummary

CSV_COLUMNS = (
    "when",
    "kind",
    "agency",
    "staff",
    "record_id",
    "action_kind",
    "has_rationale",
    "summary",
)


def _at(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def summary_as_dict(summary: KnowledgeSummary) -> dict[str, Any]:
    """The summary as plain JSON-ready values (times in ISO 8601)."""
    nfa = summary.no_further_action
    first = summary.first_action
    return {
        "entity_ids": list(summary.entity_ids),
        "first_knowledge": _at(summary.first_knowledge),
        "agencies_first_knew": {a: _at(t) for a, t in summary.agencies_first_knew.items()},
        "professionals": summary.professionals,
        "professionals_by_agency": summary.professionals_by_agency,
        "no_further_action": {
            "count": nfa.count,
            "deciders": list(nfa.deciders),
            "with_rationale": nfa.with_rationale,
            "without_rationale": nfa.without_rationale,
        },
        "qualifying_actions": list(summary.qualifying),
        "first_action": None
        if first is None
        else {
            "action_id": first.action_id,
            "kind": first.kind,
            "when": _at(first.when),
            "agency": first.agency,
            "by": first.by,
        },
        "gap_days": summary.gap_days,
        "gap_until_now": summary.gap_until_now,
    }


def event_as_dict(event: KnowledgeEvent) -> dict[str, Any]:
    """One event as plain JSON-ready values."""
    return {
        "when": _at(event.when),
        "kind": str(event.kind),
        "agency": event.agency,
        "staff": event.staff,
        "record_id": event.record_id,
        "action_kind": event.action_kind,
        "has_rationale": event.has_rationale,
        "summary": event.summary,
    }


def report_as_dict(summary: KnowledgeSummary, events: list[KnowledgeEvent]) -> dict[str, Any]:
    """The whole report: the summary and the chronology."""
    return {
        "summary": summary_as_dict(summary),
        "chronology": [event_as_dict(e) for e in events],
    }


def report_as_csv(events: list[KnowledgeEvent]) -> str:
    """The chronology, one event a row (the summary is in the JSON and HTML forms)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for event in events:
        row = event_as_dict(event)
        row["has_rationale"] = "" if event.has_rationale is None else str(event.has_rationale)
        writer.writerow(row)
    return buffer.getvalue()


_STYLE = """
body{font-family:Arial,Helvetica,sans-serif;color:#0b0c0c;margin:0;font-size:19px;line-height:1.3}
header{background:#0b0c0c;color:#fff;padding:10px 30px;font-weight:700}
main{max-width:1100px;margin:0 auto;padding:30px}
h1{font-size:36px;margin:0 0 30px}h2{font-size:24px;margin:40px 0 15px}
table{border-collapse:collapse;width:100%;font-size:16px}
th,td{text-align:left;padding:8px 10px 8px 0;border-bottom:1px solid #b1b4b6;vertical-align:top}
dl{display:grid;grid-template-columns:max-content auto;gap:6px 20px}dt{font-weight:700}
.tag{display:inline-block;padding:2px 6px;background:#f3f2f1;font-size:14px;font-weight:700}
.warn{border-left:10px solid #d4351c;padding:10px 15px;margin:20px 0}
"""


def report_as_html(summary: KnowledgeSummary, events: list[KnowledgeEvent]) -> str:
    """A standalone page: the summary, then the chronology table."""
    about = ", ".join(summary.entity_ids)
    nfa = summary.no_further_action
    first = summary.first_action
    if first is not None:
        acted = f"{escape(first.kind)} by {escape(first.by or 'unknown')} on {_day(first.when)}"
    else:
        acted = "none recorded"
    if summary.gap_days is None:
        gap = "not known"
    elif summary.gap_until_now:
        gap = f"{summary.gap_days:,} days and counting: never acted on"
    else:
        gap = f"{summary.gap_days:,} days"
    facts = [
        ("First knowledge", _day(summary.first_knowledge)),
        ("Professionals who knew", f"{summary.professionals:,}"),
        (
            "Decisions of no further action",
            f"{nfa.count:,} ({nfa.with_rationale:,} with a rationale, "
            f"{nfa.without_rationale:,} without) by {escape(', '.join(nfa.deciders) or 'no one')}",
        ),
        ("First qualifying action", acted),
        ("From first knowledge to first action", gap),
    ]
    agencies = "".join(
        f"<tr><td>{escape(agency)}</td><td>{_day(when)}</td>"
        f"<td>{summary.professionals_by_agency.get(agency, 0):,}</td></tr>"
        for agency, when in summary.agencies_first_knew.items()
    )
    rows = "".join(
        f"<tr><td>{escape(e.when.strftime('%Y-%m-%d %H:%M'))}</td>"
        f'<td><span class="tag">{escape(e.kind)}</span></td>'
        f"<td>{escape(e.agency or '')}</td><td>{escape(e.staff or '')}</td>"
        f"<td>{escape(e.record_id or '')}</td><td>{escape(e.summary)}</td></tr>"
        for e in events
    )
    warning = (
        '<div class="warn">Known to services and never acted on.</div>'
        if summary.gap_until_now or (first is None and summary.first_knowledge)
        else ""
    )
    details = "".join(f"<dt>{name}</dt><dd>{value}</dd>" for name, value in facts)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>Who knew what, when: {escape(about)}</title><style>{_STYLE}</style></head>"
        "<body><header>Vigil</header><main>"
        f"<h1>Who knew what, when</h1><p>About: {escape(about)}</p>{warning}"
        f"<h2>Summary</h2><dl>{details}</dl>"
        "<h2>When each agency first knew</h2><table><thead><tr><th>Agency</th>"
        f"<th>First knew</th><th>Professionals</th></tr></thead><tbody>{agencies}</tbody></table>"
        f"<h2>Chronology ({len(events):,} events)</h2><table><thead><tr><th>When</th>"
        "<th>What</th><th>Agency</th><th>Staff</th><th>Record</th><th>Summary</th></tr>"
        f"</thead><tbody>{rows}</tbody></table></main></body></html>\n"
    )


def _day(moment: datetime | None) -> str:
    return moment.strftime("%d %B %Y").lstrip("0") if moment else "never"
