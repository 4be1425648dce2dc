"""The register's pages. Thin: selectors read, services change, the core holds the rules.

Two pages are open without signing in (making a complaint, and following one up
by receipt code); they show nothing of the service beyond themselves, are
rate limited per address and CSRF protected like every form.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from vigil.core.complaints import Act, Cause, ComplaintRuleError, Outcome, Response, may
from vigil.web.complaints import forms, selectors, services, throttle
from vigil.web.complaints.models import (
    Complaint,
    Finding,
    Recommendation,
    RecommendationAction,
    VexatiousDesignation,
)

PAGE_SIZE = 25


def _user(request: HttpRequest) -> Any:
    return request.user


def _audit_read(request: HttpRequest, complaint_ids: list[int], reason: str) -> None:
    services.complaints_read_audit(user=_user(request), complaint_ids=complaint_ids, reason=reason)


def complaint_list(request: HttpRequest) -> HttpResponse:
    if not may(selectors.user_role(user=_user(request)), Act.READ):
        # The menu leads everyone here; those who may not read complaints may still make one.
        return redirect(reverse("complaints:mine"))
    form = forms.ListFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = {
            "status": form.cleaned_data["status"] or None,
            "escalated": form.cleaned_data["escalated"],
            "overdue": form.cleaned_data["overdue"],
            "sort": form.cleaned_data["sort"],
        }
    query = selectors.complaints_query(user=_user(request), **filters)
    page = Paginator(query, PAGE_SIZE).get_page(request.GET.get("page"))
    _audit_read(request, [row["id"] for row in page.object_list], "complaints list")
    return render(request, "complaints/list.html", {"form": form, "page": page})


def complaint_new(request: HttpRequest) -> HttpResponse:
    form = forms.StaffComplaintForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            intake = services.complaint_intake(
                user=_user(request),
                summary=data["summary"],
                details=data["details"],
                about_agency=data["about_agency"],
                complainant_name=data["complainant_name"],
                complainant_contact=data["complainant_contact"],
                recorded_for_someone_else=data["for_someone_else"],
            )
        except ComplaintRuleError as error:
            form.add_error(None, str(error))
        else:
            return render(request, "complaints/receipt.html", {"intake": intake})
    return render(request, "complaints/new.html", {"form": form})


def my_complaints(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "complaints/mine.html",
        {"complaints": selectors.my_complaints(user=_user(request))},
    )


def complaint_detail(request: HttpRequest, complaint_id: int) -> HttpResponse:
    detail = selectors.complaint_detail(user=_user(request), complaint_id=complaint_id)
    if detail is None:
        raise Http404("No such complaint")
    _audit_read(request, [complaint_id], "complaint page")
    # Each form gets its own ids: a page holds one response form per finding, and so on.
    findings = [
        {
            "finding": view.finding,
            "respond_form": forms.ResponseForm(auto_id=f"finding-{view.finding.pk}-%s"),
            "recommend_form": forms.RecommendationForm(auto_id=f"recommend-{view.finding.pk}-%s"),
            "recommendations": [
                {
                    "recommendation": rec,
                    "respond_form": forms.ResponseForm(auto_id=f"rec-{rec.pk}-%s"),
                    "action_form": forms.ActionForm(auto_id=f"action-for-{rec.pk}-%s"),
                    "actions": [
                        (action, forms.CompletionForm(auto_id=f"done-{action.pk}-%s"))
                        for action in actions
                    ],
                }
                for rec, actions in view.recommendations
            ],
        }
        for view in detail.findings
    ]
    return render(
        request,
        "complaints/detail.html",
        {
            "detail": detail,
            "findings": findings,
            "may": {act.name: act in detail.allowed for act in Act},
            "status": detail.complaint.status,
            "finding_form": forms.FindingForm(auto_id="new-finding-%s"),
            "note_form": forms.NoteForm(auto_id="note-%s"),
            "propose_form": forms.ReasonForm(auto_id="propose-%s"),
            "decision_form": forms.DecisionForm(auto_id="decide-%s"),
            "close_form": forms.ReasonForm(auto_id="close-%s"),
        },
    )


# Each step: the form it takes, the object it acts on (to find the complaint),
# and the service call. Views stay one function; the rules stay in services.
Step = tuple[
    Act,
    type[django_forms.Form],
    Callable[[int], int],
    Callable[[Any, int, dict[str, Any]], object],
]


def _same(pk: int) -> int:
    return int(Complaint.objects.values_list("pk", flat=True).get(pk=pk))


def _complaint_of_finding(pk: int) -> int:
    return int(Finding.objects.values_list("complaint_id", flat=True).get(pk=pk))


def _complaint_of_recommendation(pk: int) -> int:
    return int(Recommendation.objects.values_list("finding__complaint_id", flat=True).get(pk=pk))


def _complaint_of_action(pk: int) -> int:
    return int(
        RecommendationAction.objects.values_list(
            "recommendation__finding__complaint_id", flat=True
        ).get(pk=pk)
    )


def _complaint_of_designation(pk: int) -> int:
    return int(VexatiousDesignation.objects.values_list("complaint_id", flat=True).get(pk=pk))


class _NoFields(django_forms.Form):
    pass


STEPS: dict[str, Step] = {
    "acknowledge": (
        Act.ACKNOWLEDGE,
        _NoFields,
        _same,
        lambda user, pk, _: services.complaint_acknowledge(user=user, complaint_id=pk),
    ),
    "investigate": (
        Act.INVESTIGATE,
        _NoFields,
        _same,
        lambda user, pk, _: services.complaint_investigate(user=user, complaint_id=pk),
    ),
    "finding": (
        Act.RECORD_FINDING,
        forms.FindingForm,
        _same,
        lambda user, pk, data: services.finding_record(
            user=user, complaint_id=pk, outcome=Outcome(data["outcome"]), reasons=data["reasons"]
        ),
    ),
    "note": (
        Act.ADD_NOTE,
        forms.NoteForm,
        _same,
        lambda user, pk, data: services.complaint_add_note(
            user=user, complaint_id=pk, text=data["text"]
        ),
    ),
    "propose-vexatious": (
        Act.PROPOSE_VEXATIOUS,
        forms.ReasonForm,
        _same,
        lambda user, pk, data: services.vexatious_propose(
            user=user, complaint_id=pk, reason=data["reason"]
        ),
    ),
    "close": (
        Act.CLOSE,
        forms.ReasonForm,
        _same,
        lambda user, pk, data: services.complaint_close(
            user=user, complaint_id=pk, reason=data["reason"]
        ),
    ),
    "respond-finding": (
        Act.RESPOND,
        forms.ResponseForm,
        _complaint_of_finding,
        lambda user, pk, data: services.finding_respond(
            user=user,
            finding_id=pk,
            response=Response(data["response"]),
            reasons=data["reasons"],
        ),
    ),
    "recommend": (
        Act.RECOMMEND,
        forms.RecommendationForm,
        _complaint_of_finding,
        lambda user, pk, data: services.recommendation_add(
            user=user, finding_id=pk, text=data["text"]
        ),
    ),
    "respond-recommendation": (
        Act.RESPOND,
        forms.ResponseForm,
        _complaint_of_recommendation,
        lambda user, pk, data: services.recommendation_respond(
            user=user,
            recommendation_id=pk,
            response=Response(data["response"]),
            reasons=data["reasons"],
        ),
    ),
    "action": (
        Act.RECORD_ACTION,
        forms.ActionForm,
        _complaint_of_recommendation,
        lambda user, pk, data: services.action_add(
            user=user,
            recommendation_id=pk,
            description=data["description"],
            due_on=data["due_on"],
        ),
    ),
    "complete-action": (
        Act.RECORD_ACTION,
        forms.CompletionForm,
        _complaint_of_action,
        lambda user, pk, data: services.action_complete(user=user, action_id=pk, note=data["text"]),
    ),
    "decide-vexatious": (
        Act.DECIDE_VEXATIOUS,
        forms.DecisionForm,
        _complaint_of_designation,
        lambda user, pk, data: services.vexatious_decide(
            user=user, designation_id=pk, approve=data["approve"], reason=data["reason"]
        ),
    ),
}


@require_POST
def step(request: HttpRequest, name: str, pk: int) -> HttpResponse:
    """Takes one step on a complaint, then goes back to its page saying what happened."""
    if name not in STEPS:
        raise Http404("No such step")
    act, form_class, complaint_of, call = STEPS[name]
    try:
        complaint_id = complaint_of(pk)
    except ObjectDoesNotExist as error:
        raise Http404("Not found") from error
    # Checked (and a refusal logged) here, outside the step's transaction.
    selectors.check_allowed(user=_user(request), act=act, complaint_id=complaint_id)
    form = form_class(request.POST)
    if not form.is_valid():
        problems = "; ".join(str(e) for errors in form.errors.values() for e in errors)
        messages.error(request, f"Not saved: {problems}")
    else:
        try:
            call(_user(request), pk, form.cleaned_data)
        except ObjectDoesNotExist as error:
            raise Http404("Not found") from error
        except ComplaintRuleError as error:
            messages.error(request, f"Not saved: {error}")
        else:
            messages.success(request, "Saved.")
    return redirect(reverse("complaints:detail", args=[complaint_id]))


def escalations(request: HttpRequest) -> HttpResponse:
    # Any deadline missed since the last look is escalated before the dashboard is drawn.
    selectors.check_allowed(user=_user(request), act=Act.READ)
    services.escalations_raise_overdue()
    open_rows = selectors.escalations_open_query(user=_user(request))
    page = Paginator(open_rows, PAGE_SIZE).get_page(request.GET.get("page"))
    _audit_read(
        request,
        sorted({row["complaint_id"] for row in page.object_list}),
        "escalation dashboard",
    )
    closed = selectors.escalations_closed_query(user=_user(request))[:PAGE_SIZE]
    return render(
        request,
        "complaints/escalations.html",
        {
            "page": page,
            "rows": [_with_cause_label(row) for row in page.object_list],
            "closed": [_with_cause_label(row) for row in closed],
            "may_close": selectors.user_role(user=_user(request)) == "independent_reviewer",
        },
    )


def _with_cause_label(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "cause_label": Cause(row["cause"]).label}


@require_POST
def escalation_close(request: HttpRequest, escalation_id: int) -> HttpResponse:
    selectors.check_allowed(user=_user(request), act=Act.CLOSE_ESCALATION)
    form = forms.ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Not closed: write a reason.")
    else:
        try:
            services.escalation_close(
                user=_user(request), escalation_id=escalation_id, reason=form.cleaned_data["reason"]
            )
        except ComplaintRuleError as error:
            messages.error(request, f"Not closed: {error}")
        else:
            messages.success(request, f"Escalation {escalation_id} closed.")
    return redirect(reverse("complaints:escalations"))


# Open without signing in.


@login_not_required
@require_http_methods(["GET", "POST"])
def anonymous_intake(request: HttpRequest) -> HttpResponse:
    form = forms.ComplaintForm(request.POST or None)
    if request.method == "POST":
        if not throttle.allowed(request, "intake"):
            return _too_many(request)
        if form.is_valid():
            data = form.cleaned_data
            try:
                intake = services.complaint_intake(
                    summary=data["summary"],
                    details=data["details"],
                    about_agency=data["about_agency"],
                    complainant_name=data["complainant_name"],
                    complainant_contact=data["complainant_contact"],
                )
            except ComplaintRuleError as error:
                form.add_error(None, str(error))
            else:
                return render(request, "complaints/public_receipt.html", {"intake": intake})
    return render(request, "complaints/public_intake.html", {"form": form})


@login_not_required
@require_http_methods(["GET", "POST"])
def anonymous_follow_up(request: HttpRequest) -> HttpResponse:
    """Status by receipt code, and a form to add information. The code is never in a URL."""
    if request.method == "GET":
        return render(request, "complaints/public_follow_up.html", {"form": forms.ReceiptForm()})
    if not throttle.allowed(request, "receipt"):
        return _too_many(request)
    adding = "text" in request.POST
    form: django_forms.Form = (
        forms.AddInformationForm(request.POST) if adding else forms.ReceiptForm(request.POST)
    )
    context: dict[str, Any] = {"form": form}
    if form.is_valid():
        code = form.cleaned_data["receipt_code"]
        complaint = selectors.complaint_by_receipt(receipt_code=code)
        if complaint is None:
            form.add_error(
                "receipt_code", "No complaint has that receipt code. Check it and try again."
            )
        else:
            if adding:
                try:
                    services.complaint_add_information(
                        receipt_code=code, text=form.cleaned_data["text"]
                    )
                except ComplaintRuleError as error:
                    form.add_error("text", str(error))
                else:
                    context["added"] = True
                complaint.refresh_from_db()
            context.update(
                view=selectors.complainant_view(complaint=complaint),
                add_form=form
                if adding and form.errors
                else forms.AddInformationForm(initial={"receipt_code": code}),
            )
    return render(request, "complaints/public_follow_up.html", context)


def _too_many(request: HttpRequest) -> HttpResponse:
    return render(request, "complaints/public_too_many.html", status=429)
