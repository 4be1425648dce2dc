"""Pages over the system of record: search, a record, access to it, ingest runs.

Thin: selectors and `access` do the work. Every page that shows a record asks
need-to-know first; search and counts are filtered in SQL.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from vigil.web.audit.services import audit_search, audit_view
from vigil.web.records import access, selectors
from vigil.web.records import search as record_search
from vigil.web.records.forms import (
    AccessReasonForm,
    BreakGlassFilterForm,
    BreakGlassReviewForm,
    RunFilterForm,
    SearchForm,
)

PAGE_SIZE = 25


def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    context: dict[str, object] = {"form": form, "agencies": selectors.agency_codes()}
    if form.is_valid():
        result = record_search.mention_search(
            kind=record_search.SearchKind(form.cleaned_data["kind"]),
            query=form.cleaned_data["q"],
            user=request.user,
            agency=form.cleaned_data["agency"] or None,
        )
        hits = result.hits
        audit_search(
            user=request.user,  # type: ignore[arg-type]  # sign-in is required for every page
            kind=form.cleaned_data["kind"],
            record_ids=list(dict.fromkeys(hit.record_id for hit in hits)),
        )
        if form.cleaned_data["sort"] == "recorded":
            hits = sorted(hits, key=lambda h: h.recorded_at, reverse=True)
        context.update(
            result=result,
            page=Paginator(hits, PAGE_SIZE).get_page(request.GET.get("page")),
        )
    return render(request, "records/search.html", context)


def _refused(
    request: HttpRequest, denied: access.AccessDenied, form: AccessReasonForm
) -> HttpResponse:
    status = 400 if form.is_bound else 403
    return render(
        request,
        "records/access_needed.html",
        {"record_id": denied.record_id, "remedy": denied.remedy, "form": form},
        status=status,
    )


def record(request: HttpRequest, record_id: int) -> HttpResponse:
    if not selectors.record_exists(record_id=record_id):
        raise Http404("No such record")
    try:
        grant = access.check_record(request.user, record_id, purpose="record page")
    except access.AccessDenied as denied:
        return _refused(request, denied, AccessReasonForm())
    detail = selectors.record_detail(record_id=record_id)
    if detail is None:
        raise Http404("No such record")
    audit_view(user=request.user, record_id=record_id, purpose=f"record page, {grant}")  # type: ignore[arg-type]
    return render(request, "records/record.html", {"detail": detail, "grant": grant})


@require_http_methods(["GET", "POST"])
def access_request(request: HttpRequest, record_id: int) -> HttpResponse:
    """The "why do you need this?" form for a record the user is refused."""
    if not selectors.record_exists(record_id=record_id):
        raise Http404("No such record")
    remedy = access.access_remedy(request.user, record_id)
    if remedy is access.Remedy.NONE:
        return redirect("records:record", record_id=record_id)
    form = AccessReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            access.access_reason_record(
                user=request.user,  # type: ignore[arg-type]
                record_id=record_id,
                reason=form.cleaned_data["reason"],
            )
        except ValueError as error:
            form.add_error("reason", str(error))
        else:
            messages.success(request, "Your reason is recorded.")
            return redirect("records:record", record_id=record_id)
    denied = access.AccessDenied("reason needed", record_id=record_id, remedy=remedy)
    return _refused(request, denied, form)


def break_glass_uses(request: HttpRequest) -> HttpResponse:
    """Break-glass uses for a supervisor or senior reviewer to review."""
    if not access.may_review_break_glass(request.user):
        raise PermissionDenied("Only supervisors and senior reviewers review break-glass uses")
    form = BreakGlassFilterForm(request.GET or None)
    pending = not (form.is_valid() and form.cleaned_data["show"] == "all")
    uses = access.break_glass_uses(reviewer=request.user, pending_only=pending)
    page = Paginator(uses, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "records/break_glass.html", {"form": form, "page": page, "pending": pending}
    )


@require_http_methods(["GET", "POST"])
def break_glass_review(request: HttpRequest, grant_id: int) -> HttpResponse:
    """One break-glass use, and the reviewer's verdict on it."""
    use = access.break_glass_uses(reviewer=request.user).filter(pk=grant_id).first()
    if use is None:
        raise Http404("No break-glass use of yours to review")
    form = BreakGlassReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            access.break_glass_review(
                reviewer=request.user,  # type: ignore[arg-type]
                grant_id=grant_id,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
            )
        except ValueError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Your review is recorded.")
            return redirect("records:break_glass")
    own = use.user_id == request.user.pk
    return render(
        request, "records/break_glass_review.html", {"use": use, "form": form, "own": own}
    )


def runs(request: HttpRequest) -> HttpResponse:
    form = RunFilterForm(request.GET or None)
    status, newest_first = None, True
    if form.is_valid():
        status = form.cleaned_data["status"] or None
        newest_first = form.cleaned_data["order"] != "oldest"
    query = selectors.ingest_runs_query(status=status, newest_first=newest_first)
    page = Paginator(query, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "records/runs.html", {"form": form, "page": page})


def run(request: HttpRequest, run_id: int) -> HttpResponse:
    ingest_run = selectors.ingest_run(run_id=run_id)
    if ingest_run is None:
        raise Http404("No such ingest run")
    file = request.GET.get("file") or None
    lines = selectors.rejected_lines_query(run_id=run_id, file=file)
    page = Paginator(lines, PAGE_SIZE).get_page(request.GET.get("page"))
    # Excerpts may hold anything the line held: only a supervisor of its agency reads one.
    rows = [
        {
            **line,
            "excerpt": line["excerpt"]
            if access.may_read_excerpt(request.user, line["excerpt"])
            else "",
        }
        for line in page.object_list
    ]
    return render(
        request,
        "records/run.html",
        {
            "run": ingest_run,
            "page": page,
            "rows": rows,
            "files": selectors.rejected_files(run_id=run_id),
            "file": file,
        },
    )
