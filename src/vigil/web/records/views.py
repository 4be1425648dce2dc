"""Pages over the system of record: search, a record, ingest runs. Thin: selectors do the work."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from vigil.web.audit.services import audit_search, audit_view
from vigil.web.records import search as record_search
from vigil.web.records import selectors
from vigil.web.records.forms import RunFilterForm, SearchForm

PAGE_SIZE = 25


def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    context: dict[str, object] = {"form": form, "agencies": selectors.agency_codes()}
    if form.is_valid():
        result = record_search.mention_search(
            kind=record_search.SearchKind(form.cleaned_data["kind"]),
            query=form.cleaned_data["q"],
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


def record(request: HttpRequest, record_id: int) -> HttpResponse:
    detail = selectors.record_detail(record_id=record_id)
    if detail is None:
        raise Http404("No such record")
    audit_view(user=request.user, record_id=record_id)  # type: ignore[arg-type]
    return render(request, "records/record.html", {"detail": detail})


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
    return render(
        request,
        "records/run.html",
        {
            "run": ingest_run,
            "page": page,
            "files": selectors.rejected_files(run_id=run_id),
            "file": file,
        },
    )
