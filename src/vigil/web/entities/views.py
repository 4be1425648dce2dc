"""An entity's profile: attributes, timeline, linked entities, network, why-linked, judgements.

Thin: `vigil.web.network.selectors` reads (through need-to-know), entity
services write. Every view of an entity is audited with the records shown.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from vigil.core.audit import Category, Event, ObjectKind, ObjectRef
from vigil.web.audit.services import audit_record, web_actor
from vigil.web.entities import selectors as entity_selectors
from vigil.web.entities import services as entity_services
from vigil.web.entities.forms import JudgementForm, PairForm
from vigil.web.network import selectors
from vigil.web.network.paging import pager
from vigil.web.network.selectors import EntityProfile

TIMELINE_PAGE = 20
LINKED_PAGE = 20
LINKED_ORDERS = {
    "records": lambda le: (-le.shared_records, le.label.lower()),
    "name": lambda le: (le.label.lower(), le.entity_id),
    "type": lambda le: (le.type, -le.shared_records, le.label.lower()),
}
# An audit entry names at most this many records; the reason says how many there were.
AUDIT_REFS = 200


def _audit(request: HttpRequest, kind: ObjectKind, object_id: str, record_pks: list[int]) -> None:
    named = record_pks[:AUDIT_REFS]
    audit_record(
        actor=web_actor(request.user),  # type: ignore[arg-type]  # sign-in is required
        category=Category.CONSULTATION,
        event=Event.VIEW,
        objects=[ObjectRef(kind, object_id)]
        + [ObjectRef(ObjectKind.RECORD, str(pk)) for pk in named],
        reason=f"{kind.value} page: {len(record_pks)} records shown",
    )


def _profile_or_404(request: HttpRequest, entity_id: str) -> EntityProfile:
    found = selectors.entity_profile(entity_id=entity_id, user=request.user)
    if found is None:
        raise Http404("No such entity, or none of its records are yours to see")
    return found


def _pair(profile: EntityProfile, key: str) -> tuple[str, str]:
    mention = next(pm for pm in profile.mentions if pm.key == key)
    return (mention.record_source_id, mention.ref)


def profile(request: HttpRequest, entity_id: str) -> HttpResponse:
    found = _profile_or_404(request, entity_id)
    return _render_profile(request, found, judgement_form=None)


def _render_profile(
    request: HttpRequest, found: EntityProfile, *, judgement_form: JudgementForm | None
) -> HttpResponse:
    choices = [(pm.key, pm.label) for pm in found.mentions]
    pair_form = PairForm(
        request.GET if "left" in request.GET else None, mentions=choices, auto_id="pair-%s"
    )
    explanation = None
    if pair_form.is_bound and pair_form.is_valid():
        explanation = entity_selectors.pair_explanation(
            left=_pair(found, pair_form.cleaned_data["left"]),
            right=_pair(found, pair_form.cleaned_data["right"]),
        )
        if judgement_form is None:
            judgement_form = JudgementForm(
                mentions=choices,
                initial={
                    "left": pair_form.cleaned_data["left"],
                    "right": pair_form.cleaned_data["right"],
                },
                auto_id="judgement-%s",
            )
    order = request.GET.get("lsort", "records")
    linked = sorted(found.linked, key=LINKED_ORDERS.get(order, LINKED_ORDERS["records"]))
    timeline = Paginator(found.timeline, TIMELINE_PAGE).get_page(request.GET.get("tpage"))
    linked_page = Paginator(linked, LINKED_PAGE).get_page(request.GET.get("lpage"))
    _audit(
        request,
        ObjectKind.ENTITY,
        found.entity.entity_id,
        sorted({pm.record_pk for pm in found.mentions}),
    )
    context: dict[str, Any] = {
        "profile": found,
        "timeline": timeline,
        "timeline_pager": pager(request, timeline, param="tpage", fragment="timeline"),
        "linked": linked_page,
        "linked_pager": pager(request, linked_page, param="lpage", fragment="linked"),
        "linked_order": order if order in LINKED_ORDERS else "records",
        "pair_form": pair_form,
        "explanation": explanation,
        "judgement_form": judgement_form,
        "network_url": reverse("entities:network", args=[found.entity.entity_id]),
    }
    status = 400 if judgement_form is not None and judgement_form.errors else 200
    return render(request, "entities/profile.html", context, status=status)


def network(request: HttpRequest, entity_id: str) -> JsonResponse:
    data = selectors.entity_network(entity_id=entity_id, user=request.user)
    if data is None:
        raise Http404("No such entity, or none of its records are yours to see")
    _audit(request, ObjectKind.NETWORK, entity_id, [])
    return JsonResponse(data)


@require_POST
def judgement(request: HttpRequest, entity_id: str) -> HttpResponse:
    found = _profile_or_404(request, entity_id)
    form = JudgementForm(
        request.POST, mentions=[(pm.key, pm.label) for pm in found.mentions], auto_id="judgement-%s"
    )
    if not form.is_valid():
        return _render_profile(request, found, judgement_form=form)
    entity_services.judgement_record(
        left=_pair(found, form.cleaned_data["left"]),
        right=_pair(found, form.cleaned_data["right"]),
        verdict=form.cleaned_data["verdict"],
        by=request.user,  # type: ignore[arg-type]  # sign-in is required
        rationale=form.cleaned_data["rationale"],
    )
    verdict = "the same" if form.cleaned_data["verdict"] == "same" else "not the same"
    messages.success(
        request, f"Your judgement that they are {verdict} is recorded. The next link respects it."
    )
    url = reverse("entities:profile", args=[entity_id])
    pair = {"left": form.cleaned_data["left"], "right": form.cleaned_data["right"]}
    return redirect(f"{url}?{urlencode(pair)}#why-linked")
