"""Who knew what, when: the knowledge page for an entity, a network or an alert's entities."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from vigil.core.knowledge import EventKind
from vigil.web.knowledge.page import knowledge_page_build

EVENTS_PER_PAGE = 100
MAX_ENTITIES = 500


class ChronologyFilter(forms.Form):
    kind = forms.ChoiceField(
        label="Show",
        required=False,
        choices=[
            ("", "Every kind of event"),
            *((k.value, k.value.capitalize()) for k in EventKind),
        ],
    )
    agency = forms.CharField(label="Agency", required=False, max_length=64)


def entity(request: HttpRequest, entity_id: str) -> HttpResponse:
    return _page(request, [entity_id], f"Entity {entity_id}")


def network(request: HttpRequest) -> HttpResponse:
    """Several entities at once, as `?entity=A&entity=B` (or one field, spaces between)."""
    entity_ids = [
        part for value in request.GET.getlist("entity") for part in value.split() if part
    ][:MAX_ENTITIES]
    if not entity_ids:
        return render(request, "knowledge/choose.html")
    return _page(request, entity_ids, f"Network of {len(entity_ids)} entities")


def alert(request: HttpRequest, alert_id: str) -> HttpResponse:
    from vigil.web.alerts.models import Alert

    found = Alert.objects.filter(alert_id=alert_id).values_list("entity_ids", flat=True).first()
    if not found:
        raise Http404("No such alert")
    return _page(request, [str(e) for e in found][:MAX_ENTITIES], f"Entities of alert {alert_id}")


def _page(request: HttpRequest, entity_ids: list[str], title: str) -> HttpResponse:
    page = knowledge_page_build(user=request.user, entity_ids=entity_ids)
    if page is None:
        raise Http404("No such entity")
    form = ChronologyFilter(request.GET or None)
    events = page.chronology
    if form.is_valid():
        kind, agency = form.cleaned_data["kind"], form.cleaned_data["agency"].strip()
        if kind:
            events = [e for e in events if e.kind == kind]
        if agency:
            events = [e for e in events if e.agency == agency]
    context: dict[str, Any] = {
        "title": title,
        "page": Paginator(events, EVENTS_PER_PAGE).get_page(request.GET.get("page")),
        "knowledge": page,
        "summary": page.summary,
        "agencies": sorted(page.summary.agencies_first_knew.items(), key=lambda kv: kv[1]),
        "form": form,
        "entity_ids": page.entity_ids,
        # The network page's own query, kept when the chronology is filtered.
        "entity_values": request.GET.getlist("entity"),
    }
    return render(request, "knowledge/page.html", context)
