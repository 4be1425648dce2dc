"""The REST API: agency systems push records in the bundle format and read alerts.

Keys go in `Authorization: Bearer vgl_...`. Validation is the ingest
pipeline's own (the same as `vigil ingest`), what a system reads is what its
service user may read, and every push and read is in the audit log.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, NinjaAPI, Query, Schema, Status
from ninja.errors import ValidationError
from ninja.parser import Parser
from ninja.security import HttpBearer
from pydantic import StrictBool

from vigil.web.api import selectors, services
from vigil.web.api.models import ApiClient


class ApiKey(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> ApiClient | None:
        return services.api_client_for_key(token)


class ObjectBodies(Parser):
    """A request body is one JSON object; ninja would otherwise read fields from a list."""

    def parse_body(self, request: HttpRequest) -> Any:
        data = super().parse_body(request)
        if not isinstance(data, dict):
            raise ValueError("the body must be a JSON object")
        return data


api = NinjaAPI(
    parser=ObjectBodies(),
    title="Vigil API",
    version="1",
    description=(
        "Push records to Vigil in the bundle v1 format and read the alerts your agency may "
        "see. Each line is validated exactly as `vigil ingest` validates a bundle line."
    ),
    auth=ApiKey(),
    urls_namespace="api",
)

Line = dict[str, Any]


class BundleIn(Schema):
    """A bundle's files as arrays of lines (each line one JSON object, as in the bundle)."""

    staff: list[Line] = Field(default_factory=list, max_length=services.MAX_LINES_PER_PUSH)
    records: list[Line] = Field(default_factory=list, max_length=services.MAX_LINES_PER_PUSH)
    actions: list[Line] = Field(default_factory=list, max_length=services.MAX_LINES_PER_PUSH)
    access: list[Line] = Field(default_factory=list, max_length=services.MAX_LINES_PER_PUSH)
    strict: StrictBool = Field(False, description="All or nothing: one bad line and none go in.")


class FileCounts(Schema):
    read: int
    new: int
    new_versions: int
    unchanged: int
    rejected: int


class RejectedLine(Schema):
    file: str
    line: int
    reason: str


class PushOut(Schema):
    run_id: int
    status: str
    counts: dict[str, FileCounts]
    rejected: int
    rejections: list[RejectedLine] = Field(description="The first rejected lines, with reasons.")


class RefusedOut(Schema):
    detail: str
    problems: list[RejectedLine]


class MentionRef(Schema):
    record_id: str
    ref: str


class AlertOut(Schema):
    alert_id: str
    rule: str
    raised_at: datetime
    priority: float
    harm: float
    status: str
    entity_ids: list[str]
    mentions: list[MentionRef]
    record_ids: list[str]
    withheld_records: int = Field(description="Evidence records this system may not read.")
    explanation: str


class AlertPage(Schema):
    count: int
    alerts: list[AlertOut]


class NotFoundOut(Schema):
    detail: str


class ErrorOut(Schema):
    """Why a request was refused: no or a bad key (401), or a malformed body or query (400)."""

    detail: str | list[dict[str, Any]]


@api.exception_handler(ValidationError)
def _malformed(request: HttpRequest, error: ValidationError) -> Any:
    # 400 for a request that does not fit the description; 422 is kept for rejected lines.
    return api.create_response(request, {"detail": error.errors}, status=400)


REFUSED = {400: ErrorOut, 401: ErrorOut}


class AlertFilters(Schema):
    status: Literal["open", "assigned", "action_recorded", "nfa_pending", "closed"] | None = None
    rule: str | None = Field(None, max_length=64)
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0)


@api.post(
    "/v1/bundles",
    response={200: PushOut, 403: RefusedOut, 413: RefusedOut, 422: PushOut, **REFUSED},
    summary="Push a bundle",
)
def push_bundle(request: HttpRequest, bundle: BundleIn) -> Status[dict[str, Any]]:
    """Takes in a bundle. 200: every line went in; 422: some lines were rejected (named by
    file and line; in strict mode none went in); 403: lines of another agency (none went in)."""
    client: ApiClient = request.auth  # type: ignore[attr-defined]
    files = {
        "staff": bundle.staff,
        "records": bundle.records,
        "actions": bundle.actions,
        "access": bundle.access,
    }
    try:
        report = services.api_bundle_push(client=client, files=files, strict=bundle.strict)
    except services.PushRefusedError as refused:
        status = 413 if refused.problems and refused.problems[0].line == 0 else 403
        return Status(
            status,
            {
                "detail": "the push was refused; nothing was stored",
                "problems": [vars_of(p) for p in refused.problems],
            },
        )
    body = {
        "run_id": report.run_id,
        "status": report.status,
        "counts": {
            kind: {
                "read": c.read,
                "new": c.new,
                "new_versions": c.new_versions,
                "unchanged": c.unchanged,
                "rejected": c.rejected,
            }
            for kind, c in report.counts.items()
        },
        "rejected": report.rejected,
        "rejections": [
            {"file": r.file, "line": r.line, "reason": r.reason} for r in report.rejections_shown
        ],
    }
    return Status(200 if report.ok else 422, body)


def vars_of(problem: services.LineProblem) -> dict[str, Any]:
    return {"file": problem.file, "line": problem.line, "reason": problem.reason}


@api.get("/v1/alerts", response={200: AlertPage, **REFUSED}, summary="Alerts this system may see")
def list_alerts(request: HttpRequest, filters: Query[AlertFilters]) -> Status[dict[str, Any]]:
    """Alerts, highest priority first, with only the evidence this system may read."""
    client: ApiClient = request.auth  # type: ignore[attr-defined]
    unknown = sorted(set(request.GET) - set(AlertFilters.model_fields))
    if unknown:
        return Status(400, {"detail": f"unknown query parameters: {', '.join(unknown)}"})
    repeated = sorted(key for key in request.GET if len(request.GET.getlist(key)) > 1)
    if repeated:
        return Status(400, {"detail": f"each parameter once: {', '.join(repeated)}"})
    count, alerts = selectors.alerts_for(
        user=client.user,
        status=filters.status,
        rule=filters.rule,
        limit=filters.limit,
        offset=filters.offset,
    )
    return Status(200, {"count": count, "alerts": alerts})


@api.get(
    "/v1/alerts/{alert_id}",
    response={200: AlertOut, 404: NotFoundOut, **REFUSED},
    summary="One alert",
)
def get_alert(request: HttpRequest, alert_id: str) -> Status[dict[str, Any]]:
    """One alert by id; 404 when there is none this system may see."""
    client: ApiClient = request.auth  # type: ignore[attr-defined]
    alert = selectors.alert_for(user=client.user, alert_id=alert_id)
    if alert is None:
        return Status(404, {"detail": "no such alert"})
    return Status(200, alert)


def _pages_need_no_session(patterns: list[Any]) -> list[Any]:
    """The API signs requests with its own keys, not the pages' sign-in and second factor."""
    for pattern in patterns:
        if hasattr(pattern, "url_patterns"):
            _pages_need_no_session(pattern.url_patterns)
        elif hasattr(pattern, "callback"):
            pattern.callback.login_required = False
    return patterns


urls = api.urls
_pages_need_no_session(urls[0])
