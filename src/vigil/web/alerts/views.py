"""The alert queue, an alert's page with its four-eyes decisions, and the communities.

Thin: selectors read, services decide and enforce the lifecycle; a service's
refusal is shown as a GOV.UK error summary. Evidence is shown only through
need-to-know, and every alert or community opened is audited.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST

from vigil.core.audit import Category, Event, ObjectKind, ObjectRef
from vigil.web.alerts import forms as alert_forms
from vigil.web.alerts import models, selectors, services
from vigil.web.audit.services import audit_record, web_actor
from vigil.web.network import selectors as network_selectors

PAGE_SIZE = 25
AUDIT_REFS = 200


def _audit_view(request: HttpRequest, kind: ObjectKind, object_id: str, pks: list[int]) -> None:
    audit_record(
        actor=web_actor(request.user),  # type: ignore[arg-type]  # sign-in is required
        category=Category.CONSULTATION,
        event=Event.VIEW,
        objects=[ObjectRef(kind, object_id)]
        + [ObjectRef(ObjectKind.RECORD, str(pk)) for pk in pks[:AUDIT_REFS]],
        reason=f"{kind.value} page: {len(pks)} records shown",
    )


def queue(request: HttpRequest) -> HttpResponse:
    form = alert_forms.QueueFilterForm(request.GET or None, rules=selectors.alert_rules())
    chosen: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    alerts = selectors.alert_queue_ordered(
        user=request.user,
        status=chosen.get("status", ""),
        rule=chosen.get("rule", ""),
        band=chosen.get("band", ""),
        mine=chosen.get("mine", False),
        escalated=chosen.get("escalated", False),
        order=chosen.get("sort") or "priority",
    )
    filtered = any(chosen.get(k) for k in ("status", "rule", "band", "mine", "escalated"))
    rows = selectors.QueueRows(user=request.user, ordered=alerts, filtered=filtered)
    # A count and slices are all Paginator reads.
    paginator: Paginator[models.Alert] = Paginator(cast("Any", rows), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    bands = selectors.priority_bands()
    context = {
        "form": form,
        "page": page,
        "high": bands["high"][0],
        "medium": bands["medium"][0],
        "order": chosen.get("sort") or "priority",
        "filtered": filtered,
    }
    # HTMX asks for the results alone when a filter changes; the page works without it.
    partial = bool(request.headers.get("HX-Request"))
    response = render(
        request,
        "alerts/includes/queue_results.html" if partial else "alerts/queue.html",
        context,
    )
    patch_vary_headers(response, ["HX-Request"])
    return response


def _alert_or_404(alert_id: str) -> selectors.AlertDetail:
    found = selectors.alert_detail(alert_id)
    if found is None:
        raise Http404("No such alert")
    return found


def detail(request: HttpRequest, alert_id: str) -> HttpResponse:
    return _render_detail(request, _alert_or_404(alert_id))


def _render_detail(
    request: HttpRequest,
    found: selectors.AlertDetail,
    *,
    bound: tuple[str, forms.Form] | None = None,
    refusal: str = "",
) -> HttpResponse:
    alert = found.alert
    evidence, withheld = selectors.alert_evidence(alert=alert, user=request.user)
    words, factors = selectors.alert_explanation_parts(alert=alert)
    decision_forms: dict[str, forms.Form] = {
        name: form_class() for name, (form_class, _) in DECISIONS.items()
    }
    decision_forms["assign"] = alert_forms.AssignForm(initial={"assignee": request.user.pk})
    if bound is not None:
        decision_forms[bound[0]] = bound[1]
    _audit_view(request, ObjectKind.ALERT, alert.alert_id, [row["pk"] for row in evidence])
    context = {
        "alert": alert,
        "evidence": evidence,
        "withheld": withheld,
        "words": words,
        # "harm 182 days (…)" → ("harm", "182 days (…)")
        "factors": [tuple(factor.split(" ", 1)) for factor in factors if " " in factor],
        "subjects": network_selectors.alert_subjects(alert=alert, user=request.user),
        "forms": {name.replace("-", "_"): form for name, form in decision_forms.items()},
        "bound": bound[0] if bound else "",
        "bound_form": bound[1] if bound else None,
        "refusal": refusal,
        "refusals": [refusal] if refusal else [],
        "is_proposer": alert.nfa_proposed_by_id == request.user.pk,
        "senior_review_needed": found.senior_review_needed,
        "history": _with_names(found.history),
    }
    status = 400 if refusal or (bound and bound[1].errors) else 200
    return render(request, "alerts/detail.html", context, status=status)


def _with_names(history: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The alert's changes, oldest first, each person named by their email, not their id."""
    ids = {h["actor"].split(":", 1)[1] for h in history if h["actor"].startswith("user:")}
    emails = dict(get_user_model().objects.filter(pk__in=ids).values_list("pk", "email"))
    named = []
    for entry in history:
        if entry["event"] == Event.VIEW:  # who read it is the audit log's business, not the page's
            continue
        kind, _, who = entry["actor"].partition(":")
        name = emails.get(int(who), who) if kind == "user" and who.isdigit() else "Vigil"
        at = entry["at"]
        when = datetime.fromisoformat(at) if isinstance(at, str) else at
        named.append({**entry, "who": name, "at": when})
    return named


def _assign(alert: models.Alert, by: Any, data: dict[str, Any]) -> models.Alert:
    return services.alert_assign(alert=alert, assignee=data["assignee"], by=by)


def _action(alert: models.Alert, by: Any, data: dict[str, Any]) -> models.Alert:
    return services.alert_action_record(alert=alert, by=by, note=data["note"])


def _propose(alert: models.Alert, by: Any, data: dict[str, Any]) -> models.Alert:
    return services.alert_nfa_propose(alert=alert, by=by, rationale=data["rationale"])


def _approve(alert: models.Alert, by: Any, data: dict[str, Any]) -> models.Alert:
    return services.alert_nfa_approve(alert=alert, by=by)


def _reject(alert: models.Alert, by: Any, data: dict[str, Any]) -> models.Alert:
    return services.alert_nfa_reject(alert=alert, by=by, reason=data["reason"])


def _resolve(alert: models.Alert, by: Any, data: dict[str, Any]) -> models.Alert:
    return services.alert_escalation_resolve(
        alert=alert, by=by, note=data["note"], reopen=data["reopen"]
    )


Decide = Callable[[models.Alert, Any, dict[str, Any]], models.Alert]
# Each decision: its form, the service that takes it, and what to say when it is done.
DECISIONS: dict[str, tuple[type[forms.Form], Decide]] = {
    "assign": (alert_forms.AssignForm, _assign),
    "action": (alert_forms.ActionForm, _action),
    "nfa-propose": (alert_forms.NfaProposeForm, _propose),
    "nfa-approve": (alert_forms.NfaApproveForm, _approve),
    "nfa-reject": (alert_forms.NfaRejectForm, _reject),
    "escalation": (alert_forms.EscalationForm, _resolve),
}
DONE = {
    "assign": "Alert assigned",
    "action": "Action recorded",
    "nfa-propose": "No further action proposed: a supervisor must now approve it",
    "nfa-approve": "No further action approved: the alert is closed",
    "nfa-reject": "No further action not approved: the alert is assigned again",
    "escalation": "Escalation dealt with",
}


@require_POST
def decide(request: HttpRequest, alert_id: str, decision: str) -> HttpResponse:
    if decision not in DECISIONS:
        raise Http404("No such decision")
    found = _alert_or_404(alert_id)
    alert = found.alert
    form_class, take = DECISIONS[decision]
    form = form_class(request.POST)
    if not form.is_valid():
        return _render_detail(request, found, bound=(decision, form))
    try:
        take(alert, request.user, form.cleaned_data)
    except services.AlertTransitionError as refused:
        said = str(refused)
        return _render_detail(
            request, found, bound=(decision, form), refusal=said[:1].upper() + said[1:]
        )
    messages.success(request, DONE[decision])
    return redirect("alerts:detail", alert_id=alert.alert_id)


def communities(request: HttpRequest) -> HttpResponse:
    order = request.GET.get("sort", "size")
    found = network_selectors.community_list(
        user=request.user, order=order, alerted_only=request.GET.get("alerted") == "1"
    )
    page = Paginator(found.communities, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "order": order if order in network_selectors.COMMUNITY_ORDERS else "size",
        "sort_choices": COMMUNITY_SORTS,
        "alerted": request.GET.get("alerted") == "1",
        "withheld": found.withheld,
    }
    return render(request, "alerts/communities.html", context)


COMMUNITY_SORTS = (
    ("size", "Most members"),
    ("records", "Most records"),
    ("children", "Most children"),
    ("latest", "Most recent"),
)


def community(request: HttpRequest, entity_id: str) -> HttpResponse:
    found = network_selectors.community_detail(entity_id=entity_id, user=request.user)
    if found is None:
        raise Http404("No community holds this entity, or none of its records are yours to see")
    _audit_view(request, ObjectKind.NETWORK, entity_id, found.record_pks)
    edges = Paginator(found.edges, PAGE_SIZE).get_page(request.GET.get("page"))
    label = found.labels.get
    context = {
        "community": found,
        "members": sorted(
            ((e, label(e, e)) for e in found.members), key=lambda m: (m[0].split("-")[0], m[1])
        ),
        "edges": edges,
        "edges_labelled": [
            (edge, label(edge.source, edge.source), label(edge.target, edge.target))
            for edge in edges.object_list
        ],
    }
    return render(request, "alerts/community.html", context)


def community_network(request: HttpRequest, entity_id: str) -> JsonResponse:
    found = network_selectors.community_detail(entity_id=entity_id, user=request.user)
    if found is None:
        raise Http404("No community holds this entity, or none of its records are yours to see")
    _audit_view(request, ObjectKind.NETWORK, entity_id, [])
    return JsonResponse(found.as_network())
