"""THE LEAK TEST: every role × every page, and no record reaches anyone it should not.

A small town holds a secret record of children's social care (not shared) and
a restricted health record (a victim's health notes), each naming people, a
car, phones and postcodes found nowhere else: the markers. After linkage and
detection, so that entities, networks and alerts built from them exist, each
user below signs in and requests every URL pattern the project has (path
parameters filled with every object of the right kind), every HTMX partial and
every internal link found on those pages. No response to a user without a
grant may hold a marker, and the counts on the home page and in search must be
those of the records the user may read.

A page added later is picked up by itself; a path parameter this file has no
sample for fails the test with the name to add to `SAMPLES`.

Failures list each leak as `user | URL | marker`.
"""

from __future__ import annotations

import html
import itertools
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.contrib.auth.base_user import AbstractBaseUser
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern
from tests.conftest import BundleWriter, make_record

from vigil.web.accounts import services as account_services
from vigil.web.alerts.models import Alert
from vigil.web.api.services import api_client_create
from vigil.web.entities.models import Entity
from vigil.web.entities.services import entities_link
from vigil.web.records.models import AccessGrant, IngestRun, Record

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.leak]
PASSWORD = "a long enough passphrase for the leak test"

# --- the town ---------------------------------------------------------------

OWNER = "children_social_care"
# In the secret records only (and, for the adult, the restricted one too).
SECRET_MARKERS = (
    "Barnaby Wolfsbane",
    "Wolfsbane",
    "Quillfeather",
    "Marchbank",
    "QX51 ZZW",
    "07700 900555",
    "ZE2 9QX",
    "Kestrelmoor",
)
# In the restricted health record only.
RESTRICTED_MARKERS = ("Thistlewood", "07700 900666", "ZE3 9JU", "Hollowmere")


def _person(ref: str, role: str, name: str, age: int, **more: Any) -> dict[str, Any]:
    return {"ref": ref, "type": "person", "role": role, "name": name, "age": age, **more}


def _town_records() -> list[dict[str, Any]]:
    wolfsbane = _person("p1", "suspect", "Barnaby Wolfsbane", 41, phone="07700 900555")
    return [
        # Police records: every police user reads these.
        make_record("pol-1"),  # Kayla Test, Mo, YB02 KL?
        make_record(
            "pol-2",
            mentions=[
                _person("p1", "suspect", "Mo Daly", 30),
                {"ref": "v1", "type": "vehicle", "vrm": "YB02 KLM"},
            ],
            links=[{"from": "p1", "to": "v1", "type": "drove"}],
        ),
        # Youth service, shared with the police.
        make_record(
            "yth-1",
            agency="youth_service",
            kind="case_note",
            offence="46",
            title="Attendance dropped",
            shared_with=["police"],
            mentions=[_person("p1", "subject", "Robyn Open", 15)],
            links=[],
        ),
        # The secret: children's social care, shared with no one. It names the
        # police's car, so the car's network must not give the suspect away.
        make_record(
            "csc-secret-1",
            agency=OWNER,
            kind="intelligence",
            offence="22B",
            title="Kestrelmoor concern",
            text="Seen at Kestrelmoor with an older man.",
            sensitivity="official-sensitive",
            mentions=[
                wolfsbane,
                _person("p2", "victim", "Zinnia Quillfeather", 13, postcode="ZE2 9QX"),
                {"ref": "v1", "type": "vehicle", "vrm": "QX51 ZZW"},
                {"ref": "v2", "type": "vehicle", "vrm": "YB02 KLM"},
                {"ref": "t1", "type": "phone", "number": "07700 900555"},
            ],
            links=[
                {"from": "p1", "to": "v1", "type": "drove"},
                {"from": "p1", "to": "v2", "type": "drove"},
                {"from": "p1", "to": "t1", "type": "uses"},
            ],
        ),
        make_record(
            "csc-secret-2",
            agency=OWNER,
            kind="referral",
            offence="71",
            title="Kestrelmoor referral",
            text="Second child seen with the same man.",
            recorded_at="2001-07-02T10:00:00Z",
            sensitivity="official-sensitive",
            mentions=[wolfsbane, _person("p2", "victim", "Ottilie Marchbank", 14)],
            links=[{"from": "p1", "to": "p2", "type": "associate_of"}],
        ),
        # Restricted: a victim's health notes, shared with social care.
        make_record(
            "hlt-restricted-1",
            agency="health",
            kind="case_note",
            offence="71",
            title="Hollowmere clinic note",
            text="Treated at Hollowmere clinic.",
            recorded_at="2001-07-05T10:00:00Z",
            sensitivity="restricted",
            shared_with=[OWNER],
            mentions=[
                wolfsbane,
                _person(
                    "p2",
                    "victim",
                    "Petra Thistlewood",
                    14,
                    phone="07700 900666",
                    postcode="ZE3 9JU",
                ),
            ],
            links=[],
        ),
    ]


def _bad_line() -> bytes:
    """A social care line refused for its date: its excerpt names the suspect."""
    return (
        b'{"id": "csc-bad-1", "agency": "children_social_care", "kind": "intelligence", '
        b'"title": "Wolfsbane again", "recorded_at": "not a date"}'
    )


def _town_actions() -> list[dict[str, Any]]:
    return [
        {
            "id": "csc-act-1",
            "agency": OWNER,
            "kind": "no_further_action",
            "taken_at": "2001-07-10T09:00:00Z",
            "by": "csc-0001",
            "record_ids": ["csc-secret-1"],
            "subjects": [{"record_id": "csc-secret-1", "ref": "p1"}],
            "rationale": "Kestrelmoor placement is stable.",
        }
    ]


def _town_access() -> list[dict[str, Any]]:
    return [
        {"staff": "csc-0001", "record_id": "csc-secret-1", "at": "2001-06-16T08:00:00Z"},
        {"staff": "hlt-0001", "record_id": "hlt-restricted-1", "at": "2001-07-06T08:00:00Z"},
    ]


def _town_staff() -> list[dict[str, Any]]:
    return [
        {"id": "csc-0001", "agency": OWNER, "name": "Casey Worker", "role": "Social worker"},
        {"id": "hlt-0001", "agency": "health", "name": "Harper Nurse", "role": "Nurse"},
        {"id": "pol-0042", "agency": "police", "name": "Pat Officer", "role": "Constable"},
    ]


@dataclass(frozen=True)
class Reader:
    """A user of the matrix, what they must never see, and what they may read."""

    label: str
    agency: str
    role: str
    forbidden: tuple[str, ...]
    readable: frozenset[str]  # record source ids: the test's own oracle, not `access`


NON_RESTRICTED = frozenset({"pol-1", "pol-2", "yth-1", "csc-secret-1", "csc-secret-2"})
POLICE_READS = frozenset({"pol-1", "pol-2", "yth-1"})
EVERYTHING = SECRET_MARKERS + RESTRICTED_MARKERS

READERS = (
    Reader("police analyst", "police", "analyst", EVERYTHING, POLICE_READS),
    Reader("police practitioner", "police", "practitioner", EVERYTHING, POLICE_READS),
    Reader("police supervisor", "police", "supervisor", EVERYTHING, POLICE_READS),
    Reader(
        "police senior reviewer", "police", "senior_reviewer", RESTRICTED_MARKERS, NON_RESTRICTED
    ),
    Reader(
        "police independent reviewer",
        "police",
        "independent_reviewer",
        RESTRICTED_MARKERS,
        NON_RESTRICTED,
    ),
    Reader("inquiry auditor", "inquiry", "auditor", RESTRICTED_MARKERS, NON_RESTRICTED),
    Reader("youth service analyst", "youth_service", "analyst", EVERYTHING, frozenset({"yth-1"})),
    # The owner agency reads the secret (a check that the markers are found at
    # all) but not the restricted note shared with it, without a reason.
    Reader(
        "social care analyst",
        OWNER,
        "analyst",
        RESTRICTED_MARKERS,
        frozenset({"csc-secret-1", "csc-secret-2"}),
    ),
)


@pytest.fixture
def town(write_bundle: BundleWriter) -> None:
    from vigil.web.alerts.services import alerts_detect
    from vigil.web.records.services import bundle_ingest

    bundle = write_bundle(
        staff=_town_staff(),
        records=[*_town_records(), _bad_line()],
        actions=_town_actions(),
        access=_town_access(),
    )
    bundle_ingest(path=bundle)
    entities_link()
    alerts_detect()
    secret = Record.objects.get(source_id="csc-secret-1").source_id
    assert Entity.objects.filter(display_name__contains="Wolfsbane").exists()
    assert any(secret in alert.record_ids for alert in Alert.objects.all())
    # A redacted report on the suspect's network by an inquiry's publisher outside the matrix.
    from vigil.web.publish.services import report_draft

    suspect = Entity.objects.filter(display_name__contains="Wolfsbane").values_list(
        "entity_id", flat=True
    )
    publisher = _user("publisher@watchdog.example", "watchdog", "auditor")
    report_draft(user=publisher, entity_ids=list(suspect), title="Kestrelmoor inquiry")
    # A break-glass use by someone outside the matrix, so the review pages have a row.
    outsider = _user("glass@education.example", "education", "practitioner")
    AccessGrant.objects.create(
        user_id=outsider.pk,
        record=Record.objects.get(source_id="csc-secret-1"),
        kind=AccessGrant.Kind.BREAK_GLASS,
        reason="Child disclosed something at school this morning.",
        granted_at="2026-01-01T09:00:00Z",
        expires_at="2026-01-01T13:00:00Z",
    )


def _user(email: str, agency: str, role: str) -> AbstractBaseUser:
    return account_services.user_create(
        email=email, password=PASSWORD, agency=agency, role=role, with_totp=True
    ).user


# --- every URL pattern ----------------------------------------------------------

# Path parameter name -> every value of that kind, by converter ("int" or "str").
Samples = Callable[[str], list[Any]]


def _records(converter: str) -> list[Any]:
    if converter == "int":
        return list(Record.objects.values_list("pk", flat=True))
    return list(Record.objects.values_list("source_id", flat=True))


def _entities(converter: str) -> list[Any]:
    if converter == "int":
        return list(Entity.objects.values_list("pk", flat=True))
    return list(Entity.objects.values_list("entity_id", flat=True))


def _alerts(converter: str) -> list[Any]:
    if converter == "int":
        return list(Alert.objects.values_list("pk", flat=True))
    return list(Alert.objects.values_list("alert_id", flat=True))


def _runs(converter: str) -> list[Any]:
    return list(IngestRun.objects.values_list("pk", flat=True))


def _grants(converter: str) -> list[Any]:
    return list(AccessGrant.objects.values_list("pk", flat=True))


def _alert_decisions(converter: str) -> list[Any]:
    from vigil.web.alerts.views import DECISIONS

    return list(DECISIONS)


def _complaints(converter: str) -> list[Any]:
    from vigil.web.complaints.models import Complaint

    return list(Complaint.objects.values_list("pk", flat=True))


def _escalations(converter: str) -> list[Any]:
    from vigil.web.complaints.models import Escalation

    return list(Escalation.objects.values_list("pk", flat=True))


def _complaint_steps(converter: str) -> list[Any]:
    from vigil.web.complaints.views import STEPS

    return list(STEPS)


def _complaint_step_objects(converter: str) -> list[Any]:
    from vigil.web.complaints import models

    kinds = (models.Finding, models.Recommendation, models.RecommendationAction)
    return sorted({pk for kind in kinds for pk in kind.objects.values_list("pk", flat=True)})


def _reports(converter: str) -> list[Any]:
    from vigil.web.publish.models import Report

    return list(Report.objects.values_list("pk", flat=True))


def _uploads(converter: str) -> list[Any]:
    from vigil.web.uploads.models import Upload

    return list(Upload.objects.values_list("pk", flat=True))


SAMPLES: dict[str, Samples] = {
    "record_id": _records,
    "entity_id": _entities,
    "alert_id": _alerts,
    "run_id": _runs,
    "grant_id": _grants,
    "decision": _alert_decisions,
    "complaint_id": _complaints,
    "escalation_id": _escalations,
    "report_id": _reports,
    "upload_id": _uploads,
}
# Parameters whose names say too little to share: samples for one route only.
ROUTE_SAMPLES: dict[tuple[str, str], Samples] = {
    ("/complaints/step/{name}/{pk}/", "name"): _complaint_steps,
    ("/complaints/step/{name}/{pk}/", "pk"): _complaint_step_objects,
    ("/publish/{report_id}/report.{form}", "form"): lambda converter: ["html", "pdf"],
}
# allauth's own sign-in and account pages show no records; static files neither.
SKIPPED_PREFIXES = ("/accounts/", "/static/")
MAX_COMBINATIONS = 60
MAX_PAGES_PER_USER = 2500


@dataclass
class Route:
    """One URL pattern: its route with `{name}` holes, and each hole's converter."""

    template: str
    params: dict[str, str] = field(default_factory=dict)


_REGEX_GROUP = re.compile(r"\(\?P<(\w+)>[^)]*\)")


def _piece(pattern: RoutePattern | RegexPattern | Any) -> tuple[str, dict[str, str]]:
    if isinstance(pattern, RoutePattern):
        params: dict[str, str] = {}

        def hole(match: re.Match[str]) -> str:
            converter, name = match.group(1) or "str", match.group(2)
            params[name] = "int" if converter == "int" else "str"
            return "{" + name + "}"

        return re.sub(r"<(?:(\w+):)?(\w+)>", hole, str(pattern)), params
    regex = str(pattern.regex.pattern).lstrip("^").rstrip("$").rstrip("\\Z")
    names = _REGEX_GROUP.findall(regex)
    template = _REGEX_GROUP.sub(lambda m: "{" + m.group(1) + "}", regex)
    # Optional trailing slashes and such: take the plain form.
    template = template.replace("/?", "/").replace("\\.", ".").replace("\\", "")
    return template, dict.fromkeys(names, "str")


def routes(
    patterns: Iterable[URLPattern | URLResolver] | None = None, prefix: Route | None = None
) -> list[Route]:
    """Every URL pattern in the project, with its path parameters."""
    prefix = prefix or Route("/")
    found: list[Route] = []
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        piece, params = _piece(pattern.pattern)
        route = Route(prefix.template + piece, {**prefix.params, **params})
        if isinstance(pattern, URLResolver):
            found += routes(pattern.url_patterns, route)
        else:
            found.append(route)
    return found


def fill(route: Route) -> tuple[list[str], list[str]]:
    """The URLs of a route with every sample filled in, and parameter names with no sample."""
    samples = {
        name: ROUTE_SAMPLES.get((route.template, name)) or SAMPLES.get(name)
        for name in route.params
    }
    missing = [name for name, sample in samples.items() if sample is None]
    if missing:
        return [], missing
    choices = [
        [(name, value) for value in samples[name](converter)]  # type: ignore[misc]
        for name, converter in route.params.items()
    ]
    urls = []
    for combination in itertools.islice(itertools.product(*choices), MAX_COMBINATIONS):
        urls.append(route.template.format(**dict(combination)))
    return urls, []


# --- looking for markers ------------------------------------------------------------

_SPACE = re.compile(r"\s+")
_LINK = re.compile(r"""(?:href|hx-get|data-url|data-href|src)\s*=\s*["']([^"']+)["']""")


def _squash(text: str) -> str:
    return _SPACE.sub("", text).lower()


def body_text(response: Any) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8", "replace")


def leaks_in(text: str, url: str, forbidden: Iterable[str]) -> list[str]:
    """The markers in a response, after taking out what the URL itself asked for."""
    plain = html.unescape(text)
    for _, value in parse_qsl(urlsplit(url).query):
        if value:
            plain = plain.replace(value, "")
    squashed = _squash(plain)
    return [marker for marker in forbidden if _squash(marker) in squashed]


def internal_links(text: str) -> list[tuple[str, bool]]:
    """(url, is an HTMX partial) for every internal link, HTMX request and source in a page."""
    found = []
    for match in _LINK.finditer(text):
        url = html.unescape(match.group(1)).split("#")[0]
        if (
            url.startswith("/")
            and not url.startswith("//")
            and not url.startswith(SKIPPED_PREFIXES)
        ):
            found.append((url, match.group(0).startswith("hx-get")))
    return found


@dataclass
class Walk:
    """What one user's walk found."""

    leaks: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    pages: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    # Sections of the site (first path segment) where the owner's markers showed.
    marked_sections: set[str] = field(default_factory=set)


def walk(client: Client, reader: Reader, start: list[str], api_key: str) -> Walk:
    """Requests every start URL (plainly and as an HTMX partial), then every link found.

    Pages are read signed in; the API under /api/ with a key for a system of
    the same agency and role.
    """
    result = Walk()
    queue = [(url, htmx) for url in start for htmx in (False, True)]
    seen: set[tuple[str, bool]] = set()
    while queue and result.pages < MAX_PAGES_PER_USER:
        url, htmx = queue.pop(0)
        if (url, htmx) in seen:
            continue
        seen.add((url, htmx))
        headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
        if url.startswith("/api/"):
            headers["HTTP_AUTHORIZATION"] = f"Bearer {api_key}"
        response = client.get(url, **headers)
        result.pages += 1
        result.statuses[response.status_code] += 1
        if response.status_code >= 500:
            result.errors.append(f"{reader.label} | {url} | status {response.status_code}")
            continue
        if response.status_code in (301, 302, 303, 307, 308):
            target = response["Location"]
            if target.startswith("/") and not target.startswith(SKIPPED_PREFIXES):
                queue.append((target, htmx))
            continue
        text = body_text(response)
        for marker in leaks_in(text, url, reader.forbidden):
            result.leaks.append(f"{reader.label} | {url}{' (HTMX)' if htmx else ''} | {marker}")
        if reader.agency == OWNER and leaks_in(text, url, SECRET_MARKERS):
            result.marked_sections.add(url.split("/")[1])
        queue.extend(link for link in internal_links(text) if link not in seen)
    if queue:
        result.errors.append(f"{reader.label}: stopped after {MAX_PAGES_PER_USER} pages")
    return result


# --- the test -------------------------------------------------------------------


def test_no_page_leaks_a_record_to_anyone_without_a_grant(town: None) -> None:
    every_route = routes()
    start: list[str] = []
    missing: dict[str, list[str]] = {}
    for route in every_route:
        if route.template.startswith(SKIPPED_PREFIXES):
            continue
        urls, unknown = fill(route)
        for name in unknown:
            missing.setdefault(name, []).append(route.template)
        start += urls
    assert not missing, (
        "URL parameters with no sample: add each name to SAMPLES in "
        f"tests/web/test_need_to_know.py so the leak test covers its pages: {missing}"
    )
    start += _searches()
    assert "/records/search/" in start and "/" in start

    leaks: list[str] = []
    errors: list[str] = []
    positives: list[str] = []
    for reader in READERS:
        client = Client()
        user = _user(f"{reader.role}@{reader.agency}.example", reader.agency, reader.role)
        client.force_login(user)
        _, api_key = api_client_create(
            name=f"{reader.label} system", agency=reader.agency, role=reader.role
        )
        result = walk(client, reader, start, api_key)
        print(f"{reader.label}: {result.pages} requests, by status {dict(result.statuses)}")
        leaks += result.leaks
        errors += result.errors
        leaks += _check_counts(client, reader)
        if reader.agency == OWNER:
            positives += _owner_sees_markers(client)
            # The walk reached, and would have caught, the secret in each kind of page.
            wanted = {"records", "entities", "alerts"}
            if not wanted <= result.marked_sections:
                positives.append(f"owner's walk saw the secret only in {result.marked_sections}")
    assert not positives, "the markers are not found where they must be:\n" + "\n".join(positives)
    listed = "\n".join(sorted(leaks))
    assert not leaks, f"{len(leaks)} LEAKS (user | URL | what it must not see):\n{listed}"
    assert not errors, "\n".join(errors)


def _searches() -> list[str]:
    """Searches that would find the secret and restricted records, in other spellings."""
    return [
        "/records/search/?kind=name&q=Barnabie+Wolfsbayne",
        "/records/search/?kind=name&q=Zinnia+Quilfeather",
        "/records/search/?kind=name&q=Petra+Thistlewode",
        "/records/search/?kind=vrm&q=QX51+Z%3F%3F",
        "/records/search/?kind=vrm&q=YB02+KLM",
        "/records/search/?kind=phone&q=%2B44+7700+900555",
        "/records/search/?kind=phone&q=%2B44+7700+900666",
        "/records/search/?kind=postcode&q=ZE2",
        "/records/search/?kind=postcode&q=ZE3",
        f"/records/search/?kind=vrm&q=YB02+K%3F%3F&agency={OWNER}",
    ]


def _check_counts(client: Client, reader: Reader) -> list[str]:
    """Home counts and search totals are of readable records only; what is wrong if not."""
    problems = []
    home = client.get("/")
    readable = Record.objects.filter(source_id__in=reader.readable)
    shown = home.context["totals"]["Records you can read"] if home.status_code == 200 else None
    if shown != readable.count():
        problems.append(f"{reader.label} | / | counts {shown} records, may read {readable.count()}")
    agencies = set(readable.values_list("current_version__agency", flat=True))
    if home.status_code == 200 and set(home.context["records_by_agency"]) != agencies:
        by_agency = home.context["records_by_agency"]
        problems.append(f"{reader.label} | / | records by agency {by_agency}, may read {agencies}")
    for query in _searches():
        response = client.get(query)
        page = response.context["page"]
        found = {hit.record_source_id for hit in page.paginator.object_list}
        if not found <= reader.readable or page.paginator.count != len(found & reader.readable):
            problems.append(
                f"{reader.label} | {query} | {page.paginator.count} hits, "
                f"from records it may not read: {sorted(found - reader.readable)}"
            )
    return problems


def _owner_sees_markers(client: Client) -> list[str]:
    """The owner's own record page shows the secret markers (so the walk would see them)."""
    record = Record.objects.get(source_id="csc-secret-1")
    text = body_text(client.get(f"/records/{record.pk}/"))
    found = leaks_in(text, "/", SECRET_MARKERS)
    return [] if "Wolfsbane" in found and "QX51 ZZW" in found else [f"owner page shows {found}"]


def test_every_route_has_samples_or_the_test_says_which_to_add() -> None:
    route = Route("/things/{thing_id}/", {"thing_id": "int"})
    urls, missing = fill(route)
    assert urls == [] and missing == ["thing_id"]


def test_markers_are_found_however_spaced_and_escaped_but_not_in_the_query() -> None:
    page = "<td>barnaby&#x20;WOLFSBANE</td><td>QX51ZZW</td>"
    assert leaks_in(page, "/x/", ["Barnaby Wolfsbane", "QX51 ZZW"]) == [
        "Barnaby Wolfsbane",
        "QX51 ZZW",
    ]
    echoed = '<input value="Kestrelmoor">'
    assert leaks_in(echoed, "/records/search/?q=Kestrelmoor", ["Kestrelmoor"]) == []


def test_links_and_htmx_partials_are_followed_but_not_sign_out() -> None:
    page = (
        '<a href="/records/1/">r</a><div hx-get="/alerts/2/panel/"></div>'
        '<a href="/accounts/logout/">x</a>'
    )
    assert internal_links(page) == [("/records/1/", False), ("/alerts/2/panel/", True)]


def test_routes_include_records_and_their_parameters() -> None:
    found = {route.template: route.params for route in routes()}
    assert found["/records/{record_id}/"] == {"record_id": "int"}
    assert "/" in found
