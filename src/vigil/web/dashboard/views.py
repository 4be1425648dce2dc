"""The harm against volume dashboard: what a volume target hides."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from vigil.web.dashboard import selectors


def _year(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() and len(text) == 4 else None


def _share(part: float, whole: float) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "–"


def _with_shares(row: dict[str, float]) -> dict[str, object]:
    return {
        **row,
        "volume_pct": _share(row["actioned"], row["records"]),
        "harm_pct": _share(row["harm_actioned"], row["harm"]),
    }


def harm(request: HttpRequest) -> HttpResponse:
    first, last = _year(request.GET.get("from")), _year(request.GET.get("to"))
    if first and last and first > last:
        first, last = last, first
    figures = selectors.harm_and_volume(
        user=request.user,  # type: ignore[arg-type]
        first_year=first,
        last_year=last,
    )
    totals = {
        "records": sum(y["records"] for y in figures["years"]),
        "actioned": sum(y["actioned"] for y in figures["years"]),
        "harm": sum(y["harm"] for y in figures["years"]),
        "harm_actioned": sum(y["harm_actioned"] for y in figures["years"]),
    }
    by_group: dict[str, dict[str, float]] = {}
    for row in figures["rows"]:
        group = by_group.setdefault(
            row["group"], {"records": 0, "actioned": 0, "harm": 0.0, "harm_actioned": 0.0}
        )
        for key in group:
            group[key] += row[key]
    groups = [
        (name, _with_shares(values))
        for name, values in sorted(by_group.items(), key=lambda item: -item[1]["harm"])
    ]
    chart = {"years": figures["years"], "rows": figures["rows"]}
    return render(
        request,
        "dashboard/harm.html",
        {
            "figures": figures,
            "totals": _with_shares(totals),
            "years": [_with_shares(year) for year in figures["years"]],
            "groups": groups,
            "chart": chart,
            "first": first,
            "last": last,
        },
    )
