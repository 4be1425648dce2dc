"""Upload a bundle or a CSV export, and follow it being taken in."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from vigil.web.uploads import selectors, services
from vigil.web.uploads.forms import UploadForm

RECENT = 10


def new(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not services.may_upload(user):  # type: ignore[arg-type]
        raise PermissionDenied("your role does not take in records")
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = services.upload_receive(
            user=user,  # type: ignore[arg-type]
            kind=form.cleaned_data["kind"],
            file=form.cleaned_data["file"],
            mapping=form.cleaned_data.get("mapping"),
            strict=form.cleaned_data["strict"],
        )
        services.upload_start(upload=upload)
        return redirect("uploads:detail", upload_id=upload.pk)
    recent = selectors.uploads_visible(user=user)[:RECENT]  # type: ignore[arg-type]
    return render(request, "uploads/new.html", {"form": form, "recent": recent})


def detail(request: HttpRequest, upload_id: int) -> HttpResponse:
    upload = selectors.upload_for(user=request.user, upload_id=upload_id)  # type: ignore[arg-type]
    if upload is None:
        raise Http404("No such upload")
    template = (
        "uploads/_progress.html" if request.headers.get("HX-Request") else "uploads/detail.html"
    )
    return render(request, template, {"upload": upload})
