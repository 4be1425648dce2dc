"""Need-to-know: each rule that grants a record, restricted records, break-glass, denials."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.base_user import AbstractBaseUser
from django.test import Client
from django.utils import timezone
from tests.conftest import BundleWriter, make_record

from vigil.web.accounts import services as account_services
from vigil.web.alerts.models import Alert
from vigil.web.audit.models import AuditEntry
from vigil.web.knowledge.selectors import knowledge_facts
from vigil.web.records import access, selectors
from vigil.web.records.models import AccessGrant, Record, RecordAudience
from vigil.web.records.services import bundle_ingest

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "a long enough passphrase 42"
HEALTH_NOTE = "Seen at the Ashgrove clinic"


@pytest.fixture
def store(write_bundle: BundleWriter) -> Path:
    path = write_bundle(
        records=[
            make_record("pol-1"),
            make_record("csc-1", agency="children_social_care"),
            make_record("csc-shared", agency="children_social_care", shared_with=["police"]),
            make_record(
                "hlt-1",
                agency="health",
                kind="case_note",
                text=HEALTH_NOTE,
                sensitivity="RESTRICTED",
                shared_with=["children_social_care"],
            ),
        ]
    )
    bundle_ingest(path=path)
    return path


def user(agency: str, role: str, name: str = "") -> AbstractBaseUser:
    return account_services.user_create(
        email=f"{name or role}@{agency}.example",
        password=PASSWORD,
        agency=agency,
        role=role,
        with_totp=True,
    ).user


def pk(source_id: str) -> int:
    return Record.objects.get(source_id=source_id).pk


def signed_in(who: AbstractBaseUser) -> Client:
    client = Client()
    client.force_login(who)
    return client


def visible(who: AbstractBaseUser) -> set[str]:
    return set(
        Record.objects.filter(pk__in=access.visible_record_ids(who)).values_list(
            "source_id", flat=True
        )
    )


def test_own_agency_and_shared_with_grant_and_nothing_else_does(store: Path) -> None:
    analyst = user("police", "analyst")
    assert visible(analyst) == {"pol-1", "csc-shared"}
    assert access.check_record(analyst, pk("pol-1"), purpose="test") is access.Grant.OWN_AGENCY
    assert access.check_record(analyst, pk("csc-shared"), purpose="test") is (
        access.Grant.SHARED_WITH
    )
    with pytest.raises(access.AccessDenied) as refused:
        access.check_record(analyst, pk("csc-1"), purpose="test")
    assert refused.value.remedy is access.Remedy.BREAK_GLASS
    assert access.filter_record_ids(analyst, [pk("pol-1"), pk("csc-1")]) == {pk("pol-1")}
    assert access.visible_source_ids(analyst, ["pol-1", "csc-1", "nope"]) == {"pol-1"}


def test_every_denial_is_logged_by_record_id_and_why(store: Path) -> None:
    analyst = user("police", "analyst")
    response = signed_in(analyst).get(f"/records/{pk('csc-1')}/")
    assert response.status_code == 403
    assert b"Girl seen getting into car" not in response.content
    assert b"Kayla" not in response.content
    (denied,) = AuditEntry.objects.filter(event="access_denied")
    assert denied.object_refs == f"record:{pk('csc-1')}"
    assert denied.actor_id == str(analyst.pk) and denied.actor_agency == "police"
    assert denied.reason == "record page: refused, no rule grants it"


def test_an_assigned_alert_grants_its_evidence_until_closed(store: Path) -> None:
    practitioner = user("police", "practitioner")
    alert = Alert.objects.create(
        key="k",
        alert_id="a-1",
        rule="adult_linked_to_children",
        raised_at=timezone.now(),
        triggered_at=timezone.now(),
        updated_at=timezone.now(),
        priority=1.0,
        harm=1.0,
        record_ids=["csc-1", "hlt-1"],
        explanation="x",
        assigned_to=practitioner,
        status=Alert.Status.ASSIGNED,
    )
    assert access.check_record(practitioner, pk("csc-1"), purpose="t") is (
        access.Grant.ALERT_ASSIGNMENT
    )
    # The restricted record in the evidence still needs a reason.
    assert "hlt-1" not in visible(practitioner)
    assert access.access_remedy(practitioner, pk("hlt-1")) is access.Remedy.GIVE_REASON
    alert.status = Alert.Status.CLOSED
    alert.save()
    assert "csc-1" not in visible(practitioner)


def test_within_one_request_reach_is_worked_out_once_and_a_save_forgets_it(
    store: Path,
) -> None:
    from django.db import connection
    from django.http import HttpResponse
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext

    practitioner = user("police", "practitioner")
    seen: list[set[str]] = []

    def page(request: object) -> HttpResponse:
        seen.append(visible(practitioner))
        with CaptureQueriesContext(connection) as asked:
            seen.append(visible(practitioner))
        # Kept: the second time reads only the records, not the user's alerts or grants.
        assert not [q for q in asked.captured_queries if "alerts_alert" in q["sql"]]
        Alert.objects.create(
            key="k",
            alert_id="a-1",
            rule="adult_linked_to_children",
            raised_at=timezone.now(),
            triggered_at=timezone.now(),
            updated_at=timezone.now(),
            priority=1.0,
            harm=1.0,
            record_ids=["csc-1"],
            explanation="x",
            assigned_to=practitioner,
            status=Alert.Status.ASSIGNED,
        )
        seen.append(visible(practitioner))
        return HttpResponse()

    access.ReachPerRequestMiddleware(page)(RequestFactory().get("/"))
    assert seen == [{"pol-1", "csc-shared"}] * 2 + [{"pol-1", "csc-shared", "csc-1"}]
    # Outside a request nothing is kept.
    Alert.objects.filter(alert_id="a-1").delete()
    assert visible(practitioner) == {"pol-1", "csc-shared"}


def test_oversight_roles_read_everything_not_restricted(store: Path) -> None:
    for role in ("auditor", "senior_reviewer", "independent_reviewer"):
        reader = user("inquiry", role)
        assert visible(reader) == {"pol-1", "csc-1", "csc-shared"}, role
        assert access.check_record(reader, pk("csc-1"), purpose="t") is access.Grant.ROLE
        with pytest.raises(access.AccessDenied):
            access.check_record(reader, pk("hlt-1"), purpose="t")
    assert visible(user("housing", "analyst")) == set()


def test_a_restricted_record_needs_a_permitted_role_and_a_recorded_reason(store: Path) -> None:
    practitioner = user("children_social_care", "practitioner")
    client = signed_in(practitioner)
    url = f"/records/{pk('hlt-1')}/"
    refused = client.get(url)
    assert refused.status_code == 403
    assert HEALTH_NOTE.encode() not in refused.content
    assert b"This record is restricted" in refused.content

    too_short = client.post(f"/records/{pk('hlt-1')}/access/", {"reason": "need it"})
    assert too_short.status_code == 400
    reason = "Strategy meeting today about Kayla; I chair it and need the health view."
    given = client.post(f"/records/{pk('hlt-1')}/access/", {"reason": reason})
    assert given.status_code == 302 and given["Location"] == url
    page = client.get(url)
    assert page.status_code == 200 and HEALTH_NOTE.encode() in page.content
    assert b"a recorded reason for a restricted record" in page.content

    (grant,) = AccessGrant.objects.all()
    assert grant.kind == AccessGrant.Kind.RESTRICTED_REASON and grant.reason == reason
    (logged,) = AuditEntry.objects.filter(event="break_glass")
    assert "restricted-reason grant" in logged.reason and "sha256:" in logged.reason
    assert "Kayla" not in logged.reason
    assert "hlt-1" in visible(practitioner)
    # Not a break-glass use: nothing to review.
    assert not access.break_glass_uses(reviewer=user("health", "senior_reviewer")).exists()

    grant.expires_at = timezone.now() - timedelta(minutes=1)
    grant.save()
    assert client.get(url).status_code == 403


def test_a_role_not_permitted_for_restricted_records_can_only_break_the_glass(
    store: Path,
) -> None:
    analyst = user("children_social_care", "analyst")
    assert access.access_remedy(analyst, pk("hlt-1")) is access.Remedy.BREAK_GLASS
    grant = access.access_reason_record(
        user=analyst,
        record_id=pk("hlt-1"),
        reason="Urgent: child missing tonight, last seen there.",
    )
    assert grant.kind == AccessGrant.Kind.BREAK_GLASS
    assert access.check_record(analyst, pk("hlt-1"), purpose="t") is access.Grant.BREAK_GLASS


def test_break_glass_is_time_limited_flagged_and_reviewed_by_a_supervisor(store: Path) -> None:
    analyst = user("police", "analyst")
    client = signed_in(analyst)
    url = f"/records/{pk('csc-1')}/"
    assert b"Break the glass" in client.get(url).content
    reason = "Child reported missing tonight; checking known associates now."
    assert client.post(f"/records/{pk('csc-1')}/access/", {"reason": reason}).status_code == 302
    assert client.get(url).status_code == 200
    (grant,) = AccessGrant.objects.all()
    assert grant.kind == AccessGrant.Kind.BREAK_GLASS
    assert grant.expires_at - grant.granted_at == access.BREAK_GLASS_LASTS
    assert AuditEntry.objects.filter(event="break_glass").count() == 1

    # Reviewed by a supervisor of the user's agency or of the record's, never by the user.
    assert client.get("/records/break-glass/").status_code == 403
    for supervisor in (user("police", "supervisor"), user("children_social_care", "supervisor")):
        listed = signed_in(supervisor).get("/records/break-glass/")
        assert listed.status_code == 200 and reason.encode() in listed.content
    outsider = signed_in(user("housing", "supervisor"))
    assert reason.encode() not in outsider.get("/records/break-glass/").content
    assert outsider.get(f"/records/break-glass/{grant.pk}/").status_code == 404

    reviewer = signed_in(user("children_social_care", "supervisor", name="boss"))
    done = reviewer.post(
        f"/records/break-glass/{grant.pk}/", {"outcome": "justified", "note": "fine"}
    )
    assert done.status_code == 302
    grant.refresh_from_db()
    assert grant.outcome == "justified" and grant.reviewed_at is not None
    review = AuditEntry.objects.get(event="decision")
    assert review.reason == f"break-glass grant {grant.pk} reviewed: justified"
    # Once reviewed it leaves the "waiting" list, and stays under "all".
    assert reason.encode() not in reviewer.get("/records/break-glass/").content
    assert reason.encode() in reviewer.get("/records/break-glass/?show=all").content

    grant.expires_at = timezone.now() - timedelta(seconds=1)
    grant.save()
    assert client.get(url).status_code == 403


def test_no_one_reviews_their_own_break_glass(store: Path) -> None:
    supervisor = user("police", "supervisor")
    grant = access.access_reason_record(
        user=supervisor, record_id=pk("csc-1"), reason="Checking before tonight's operation."
    )
    with pytest.raises(access.PermissionDenied):
        access.break_glass_review(reviewer=supervisor, grant_id=grant.pk, outcome="justified")


def test_search_and_home_count_only_readable_records(store: Path) -> None:
    analyst = user("police", "analyst")
    client = signed_in(analyst)
    found = client.get("/records/search/", {"kind": "name", "q": "Kayla Test"})
    hits = found.context["page"].paginator.object_list
    assert {hit.record_source_id for hit in hits} == {"pol-1", "csc-shared"}
    home = client.get("/")
    assert home.context["totals"]["Records you can read"] == 2
    assert home.context["records_by_agency"] == {"police": 1, "children_social_care": 1}
    assert selectors.store_summary(user=analyst)["totals"]["mentions"] == 6


def test_a_new_version_that_shares_the_record_grants_it(
    store: Path, write_bundle: BundleWriter
) -> None:
    analyst = user("police", "analyst")
    assert "csc-1" not in visible(analyst)
    shared = make_record("csc-1", agency="children_social_care", shared_with=["police", "police"])
    bundle_ingest(path=write_bundle(records=[shared]))
    assert "csc-1" in visible(analyst)
    # One row each for the owner and the police, for each version.
    version = Record.objects.get(source_id="csc-1").current_version
    rows = RecordAudience.objects.filter(record_version=version)
    assert sorted(rows.values_list("audience", "is_owner")) == [
        ("children_social_care", True),
        ("police", False),
    ]


def test_rejected_line_excerpts_only_for_a_supervisor_of_the_agency_named(
    write_bundle: BundleWriter,
) -> None:
    bad = b'{"id": "csc-9", "agency": "children_social_care", "title": "Ozzy Bramblewick"}'
    bundle_ingest(path=write_bundle(records=[bad]))
    run_id = AuditEntry.objects.get(event="ingest").object_refs.split(":")[1]
    url = f"/records/runs/{run_id}/"
    assert b"Bramblewick" in signed_in(user("children_social_care", "supervisor")).get(url).content
    for other in (user("police", "supervisor"), user("children_social_care", "analyst")):
        page = signed_in(other).get(url)
        assert page.status_code == 200 and b"Bramblewick" not in page.content


def test_knowledge_facts_for_a_user_hold_only_records_they_read(store: Path) -> None:
    from vigil.web.entities.models import Entity, EntityMention, LinkRun

    run = LinkRun.objects.create(started_at=timezone.now())
    entity = Entity.objects.create(entity_id="e-1", type="person", display_name="x", link_run=run)
    for source_id in ("pol-1", "csc-1", "hlt-1"):
        EntityMention.objects.create(entity=entity, record_source_id=source_id, ref="p1")
    everything = knowledge_facts(entity_ids=["e-1"])
    assert {r.record_id for r in everything.records} == {"pol-1", "csc-1", "hlt-1"}
    police = knowledge_facts(entity_ids=["e-1"], user=user("police", "analyst"))
    assert {r.record_id for r in police.records} == {"pol-1"}
