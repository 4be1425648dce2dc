"""Pages for publication: the reports, a new draft, review beside what was redacted, release.

Thin: `services` decides who may do what and logs it. Drafting, approving and
releasing are for auditors, supervisors and senior reviewers; seeing what
was redacted, for auditors and senior reviewers only; a released report may
be downloaded by any signed-in user, and each download is logged.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from vigil.web.publish import selectors, services
from vigil.web.publish.forms import DraftForm

_TYPES = {"html": "text/html; charset=utf-8", "pdf": "application/pdf"}


def reports(request: HttpRequest) -> HttpResponse:
    user = request.user
    shown = [
        r
        for r in selectors.reports()[:500]
        if services.report_visible(user=user, report=r)  # type: ignore[arg-type]  # signed in
    ]
    role = services.user_role(user)  # type: ignore[arg-type]
    return render(
        request,
        "publish/reports.html",
        {"reports": shown, "may_draft": role in services.PUBLISHERS},
    )


def draft(request: HttpRequest) -> HttpResponse:
    form = DraftForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            made = services.report_draft(
                user=request.user,  # type: ignore[arg-type]
                entity_ids=form.entity_ids(),
                title=form.cleaned_data["title"],
            )
        except services.PublishStateError as error:
            form.add_error("entities", str(error))
        else:
            messages.success(request, f"Report {made.pk} drafted. A second person must approve it.")
            return redirect("publish:report", report_id=made.pk)
    elif services.user_role(request.user) not in services.PUBLISHERS:  # type: ignore[arg-type,operator]
        raise services.PublishDeniedError("only auditors, supervisors and senior reviewers")
    return render(request, "publish/draft.html", {"form": form}, status=400 if form.errors else 200)


def report(request: HttpRequest, report_id: int) -> HttpResponse:
    found = selectors.report(report_id=report_id)
    if found is None:
        raise Http404("No such report")
    services.report_check_visible(user=request.user, report=found)  # type: ignore[arg-type]
    role = services.user_role(request.user)  # type: ignore[arg-type]
    redacted = None
    if request.GET.get("show") == "redacted":
        redacted = services.report_key_open(user=request.user, report_id=found.pk)  # type: ignore[arg-type]
    return render(
        request,
        "publish/report.html",
        {
            "report": found,
            "body": selectors.report_body(found.html),
            "redacted": redacted,
            "may_see_key": role in services.KEY_READERS,
            "may_approve": role in services.PUBLISHERS and found.author_id != request.user.pk,
            "may_release": role in services.PUBLISHERS,
        },
    )


@require_POST
def approve(request: HttpRequest, report_id: int) -> HttpResponse:
    try:
        services.report_approve(user=request.user, report_id=report_id)  # type: ignore[arg-type]
    except services.PublishStateError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Report {report_id} approved for release.")
    return redirect("publish:report", report_id=report_id)


@require_POST
def release(request: HttpRequest, report_id: int) -> HttpResponse:
    try:
        services.report_release(user=request.user, report_id=report_id)  # type: ignore[arg-type]
    except (services.PublishStateError, services.ReleaseRefusedError) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Report {report_id} released. It can no longer change.")
    return redirect("publish:report", report_id=report_id)


def download(request: HttpRequest, report_id: int, form: str) -> HttpResponse:
    if form not in _TYPES or selectors.report(report_id=report_id) is None:
        raise Http404("No such report")
    try:
        content = services.report_download(user=request.user, report_id=report_id, form=form)  # type: ignore[arg-type]
    except services.PublishStateError as error:
        raise Http404(str(error)) from None
    response = HttpResponse(content, content_type=_TYPES[form])
    response["Content-Disposition"] = f'attachment; filename="vigil-report-{report_id}.{form}"'
    return response
