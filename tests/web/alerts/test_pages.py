"""The alert queue and an alert's page: filters, evidence through need-to-know, the
priority's breakdown, and four-eyes decisions whose refusals are shown as errors."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client
from tests.conftest import BundleWriter, make_record

from vigil.web.accounts import services as account_services
from vigil.web.alerts.models import Alert
from vigil.web.audit.models import AuditEntry
from vigil.web.records.models import Record
from vigil.web.records.services import bundle_ingest

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "correct horse battery staple 42"
EXPLANATION = (
    "An adult is named as suspect or associate alongside 2 different children in concern "
    "records. Priority 91 = harm 182 days (offence 22B: indicative) × vulnerability 2 "
    "(youngest child 14) × convergence 1 (1 agencies) × recency 0.25 (latest evidence 800 "
    "days before)."
)


def make_alert(alert_id: str, **changes: Any) -> Alert:
    at = datetime(2001, 8, 1, tzinfo=UTC)
    fields: dict[str, Any] = {
        "key": f"adult_linked_to_children|{alert_id}",
        "alert_id": alert_id,
        "rule": "adult_linked_to_children",
        "raised_at": at,
        "triggered_at": at,
        "updated_at": at,
        "priority": 91.0,
        "harm": 182.0,
        "entity_ids": ["person-aaaa"],
        "subject_ids": ["person-aaaa"],
        "mentions": [{"record_id": "pol-1", "ref": "p2"}, {"record_id": "pol-2", "ref": "p2"}],
        "record_ids": ["pol-1", "pol-2"],
        "explanation": EXPLANATION,
    }
    fields.update(changes)
    return Alert.objects.create(**fields)


def sign_in(email: str, role: str) -> Client:
    created = account_services.user_create(
        email=email, password=PASSWORD, agency="police", role=role, with_totp=True
    )
    client = Client()
    client.force_login(created.user)
    return client


@pytest.fixture
def alerts(write_bundle: BundleWriter) -> None:
    bundle_ingest(path=write_bundle(records=[make_record("pol-1"), make_record("pol-2")]))
    make_alert("a-high", priority=600.0)
    make_alert(
        "a-low",
        rule="recurring_concern_unactioned",
        priority=12.0,
        raised_at=datetime(2003, 1, 1, tzinfo=UTC),
    )
    make_alert("a-mid", priority=91.0, raised_at=datetime(2002, 1, 1, tzinfo=UTC))


@pytest.fixture
def analyst(alerts: None) -> Client:
    return sign_in("analyst@police.example", "analyst")


@pytest.fixture
def supervisor(alerts: None) -> Client:
    return sign_in("supervisor@police.example", "supervisor")


def text(response: Any) -> str:
    return response.content.decode()


def listed(response: Any) -> list[str]:
    page = text(response)
    found = [
        (page.index(f"/alerts/{a}/"), a)
        for a in ("a-high", "a-mid", "a-low")
        if f"/alerts/{a}/" in page
    ]
    return [a for _, a in sorted(found)]


def test_queue_is_by_priority_and_filters_and_sorts(analyst: Client) -> None:
    assert listed(analyst.get("/alerts/")) == ["a-high", "a-mid", "a-low"]
    assert listed(analyst.get("/alerts/", {"band": "high"})) == ["a-high"]
    assert listed(analyst.get("/alerts/", {"band": "medium"})) == ["a-mid"]
    assert listed(analyst.get("/alerts/", {"rule": "recurring_concern_unactioned"})) == ["a-low"]
    assert listed(analyst.get("/alerts/", {"sort": "raised"})) == ["a-low", "a-mid", "a-high"]
    assert listed(analyst.get("/alerts/", {"mine": "on"})) == []
    assert listed(analyst.get("/alerts/", {"escalated": "on"})) == []
    Alert.objects.filter(alert_id="a-low").update(
        escalated_at=datetime(2004, 1, 1, tzinfo=UTC), escalated_to="supervisor"
    )
    assert listed(analyst.get("/alerts/", {"escalated": "on"})) == ["a-low"]
    assert listed(analyst.get("/alerts/", {"status": "closed"})) == []


def test_an_alert_no_longer_supported_or_re_keyed_says_so(analyst: Client) -> None:
    page = text(analyst.get("/alerts/a-mid/"))
    assert "No longer supported" not in page
    assert "Followed its subjects" not in page
    Alert.objects.filter(alert_id="a-mid").update(
        unsupported_at=datetime(2005, 3, 1, tzinfo=UTC),
        unsupported_reason="no longer supported by the linkage",
        former_keys=["adult_linked_to_children:person-old"],
    )
    page = text(analyst.get("/alerts/a-mid/"))
    assert "Since 1 Mar 2005: no longer supported by the linkage." in page
    assert "it was adult_linked_to_children:person-old" in page
    queue = text(analyst.get("/alerts/"))
    assert queue.count("No longer supported") == 1


def test_queue_answers_htmx_with_only_its_results(analyst: Client) -> None:
    response = analyst.get("/alerts/", {"band": "high"}, headers={"HX-Request": "true"})
    page = text(response)
    assert page.lstrip().startswith('<div id="queue-results">')
    assert "<html" not in page


def test_detail_shows_words_priority_breakdown_and_evidence(analyst: Client) -> None:
    page = text(analyst.get("/alerts/a-mid/"))
    assert "alongside 2 different children" in page
    assert "182 days (offence 22B: indicative)" in page
    for factor in ("Harm", "Vulnerability", "Convergence", "Recency"):
        assert f">{factor}</th>" in page
    for record in Record.objects.all():
        assert f"/records/{record.pk}/" in page
    view = AuditEntry.objects.filter(event="view").latest("sequence")
    assert "alert:a-mid" in view.object_refs.split()


def test_evidence_the_user_may_not_read_is_withheld(
    analyst: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    hidden = Record.objects.get(source_id="pol-2").pk
    from vigil.web.records import access

    real = access.filter_record_ids
    monkeypatch.setattr(access, "filter_record_ids", lambda user, ids: real(user, ids) - {hidden})
    page = text(analyst.get("/alerts/a-mid/"))
    assert "1 record withheld" in page
    assert f"/records/{hidden}/" not in page


def test_queue_lists_only_alerts_citing_records_the_user_may_read(
    analyst: Client, write_bundle: BundleWriter
) -> None:
    bundle_ingest(
        path=write_bundle(
            records=[
                make_record("csc-1", agency="children_social_care"),
                make_record("csc-2", agency="children_social_care", shared_with=["police"]),
            ]
        )
    )
    make_alert("a-csc", priority=700.0, mentions=[], record_ids=["csc-1"])
    make_alert("a-shared", priority=650.0, mentions=[], record_ids=["csc-1", "csc-2"])
    social_worker = sign_in_at("worker@csc.example", "analyst", "children_social_care")

    assert listed_all(analyst.get("/alerts/")) == ["a-shared", "a-high", "a-mid", "a-low"]
    assert "4 alerts" in text(analyst.get("/alerts/"))
    assert listed_all(social_worker.get("/alerts/")) == ["a-csc", "a-shared"]
    # Evidence replaced by detection moves the alert out of (or into) a queue.
    shared = Alert.objects.get(alert_id="a-shared")
    shared.record_ids = ["csc-1"]
    shared.save(update_fields=["record_ids"])
    assert listed_all(analyst.get("/alerts/")) == ["a-high", "a-mid", "a-low"]
    # An alert assigned to the user is theirs to see whatever it cites.
    analyst_user = Alert.objects.get(alert_id="a-high").assigned_to
    assert analyst_user is None
    from django.contrib.auth import get_user_model

    me = get_user_model().objects.get(email="analyst@police.example")
    Alert.objects.filter(alert_id="a-csc").update(assigned_to=me, status="assigned")
    assert listed_all(analyst.get("/alerts/"))[0] == "a-csc"


def sign_in_at(email: str, role: str, agency: str) -> Client:
    created = account_services.user_create(
        email=email, password=PASSWORD, agency=agency, role=role, with_totp=True
    )
    client = Client()
    client.force_login(created.user)
    return client


def listed_all(response: Any) -> list[str]:
    page = text(response)
    found = re.findall(r'href="/alerts/([\w-]+)/"', page)
    return [a for a in dict.fromkeys(found) if a.startswith("a-")]


def decide(client: Client, decision: str, **data: str) -> Any:
    return client.post(f"/alerts/a-mid/{decision}/", data)


def test_assign_then_record_an_action(analyst: Client) -> None:
    from django.contrib.auth import get_user_model

    me = get_user_model().objects.get(email="analyst@police.example")
    assert decide(analyst, "assign", assignee=str(me.pk)).status_code == 302
    assert Alert.objects.get(alert_id="a-mid").assigned_to == me
    assert listed(analyst.get("/alerts/", {"mine": "on"})) == ["a-mid"]

    empty = decide(analyst, "action", note="")
    assert empty.status_code == 400
    assert "Enter what action was taken" in text(empty)
    assert decide(analyst, "action", note="Strategy meeting held").status_code == 302
    alert = Alert.objects.get(alert_id="a-mid")
    assert alert.status == "action_recorded"
    assert "Strategy meeting held" in text(analyst.get("/alerts/a-mid/"))


def test_no_further_action_needs_a_rationale_and_a_second_senior_person(
    analyst: Client, supervisor: Client
) -> None:
    short = decide(analyst, "nfa-propose", rationale="no")
    assert short.status_code == 400
    assert "govuk-error-summary" in text(short)
    assert "rationale of at least" in text(short)
    assert Alert.objects.get(alert_id="a-mid").status == "open"

    rationale = "Both girls seen by their social worker; no contact with the man since June."
    assert decide(analyst, "nfa-propose", rationale=rationale).status_code == 302
    assert Alert.objects.get(alert_id="a-mid").status == "nfa_pending"

    # The proposer is not offered approval, and cannot approve by posting anyway.
    assert "Approve no further action" not in text(analyst.get("/alerts/a-mid/"))
    refused = decide(analyst, "nfa-approve")
    assert refused.status_code == 400
    assert "govuk-error-summary" in text(refused)
    assert Alert.objects.get(alert_id="a-mid").status == "nfa_pending"

    page = text(supervisor.get("/alerts/a-mid/"))
    assert "Approve no further action" in page and rationale in page
    assert decide(supervisor, "nfa-approve").status_code == 302
    alert = Alert.objects.get(alert_id="a-mid")
    assert alert.status == "closed"
    assert alert.nfa_approved_by is not None
    assert alert.nfa_approved_by.email == "supervisor@police.example"
    history = text(supervisor.get("/alerts/a-mid/")).split('id="history"')[1]
    assert "no further action proposed" in history
    assert "no further action approved" in history
    assert "supervisor@police.example" in history
    assert "alert page" not in history  # views are in the audit log, not the history


def test_a_supervisor_can_send_no_further_action_back(analyst: Client, supervisor: Client) -> None:
    decide(analyst, "nfa-propose", rationale="Checked with school and family; no concerns.")
    missing = decide(supervisor, "nfa-reject", reason="")
    assert missing.status_code == 400
    assert (
        decide(supervisor, "nfa-reject", reason="Speak to the second girl first").status_code == 302
    )
    assert Alert.objects.get(alert_id="a-mid").status == "assigned"


def test_decisions_are_posts_and_unknown_ones_are_not_found(analyst: Client) -> None:
    assert analyst.get("/alerts/a-mid/assign/").status_code == 405
    assert decide(analyst, "shred").status_code == 404
    assert analyst.get("/alerts/no-such-alert/").status_code == 404


def test_home_shows_my_alerts_and_what_is_escalated_to_me(
    analyst: Client, supervisor: Client
) -> None:
    from django.contrib.auth import get_user_model

    me = get_user_model().objects.get(email="analyst@police.example")
    Alert.objects.filter(alert_id="a-high").update(assigned_to=me, status="assigned")
    Alert.objects.filter(alert_id="a-low").update(
        escalated_at=datetime(2004, 1, 1, tzinfo=UTC),
        escalated_to="supervisor",
        escalation_reason="unowned 30 days past its SLA",
    )
    mine = text(analyst.get("/"))
    assert "/alerts/a-high/" in mine
    assert "Escalated to you" not in mine
    theirs = text(supervisor.get("/"))
    assert "Escalated to you" in theirs
    assert "/alerts/a-low/" in theirs and "unowned 30 days past its SLA" in theirs
    assert "No open alert is assigned to you" in theirs


def test_home_shows_concerns_new_since_the_last_sign_in(
    analyst: Client, write_bundle: BundleWriter
) -> None:
    from django.contrib.auth import get_user_model

    assert "This is your first sign-in" in text(analyst.get("/"))
    bundle_ingest(
        path=write_bundle(records=[make_record("pol-9", title="Girl found in a stranger's flat")])
    )
    analyst.force_login(get_user_model().objects.get(email="analyst@police.example"))
    page = text(analyst.get("/"))
    assert "1 new concern record" in page
    assert "Girl found in a stranger&#x27;s flat" in page
    assert "Girl seen getting into car" not in page  # received before the last sign-in


@pytest.fixture
def community(write_bundle: BundleWriter) -> None:
    """One man and one car with three girls across three concern records."""
    from vigil.web.alerts.services import alerts_detect
    from vigil.web.entities.services import entities_link

    def record(record_id: str, girl: str, age: int) -> dict[str, Any]:
        return make_record(
            record_id,
            mentions=[
                {"ref": "p1", "type": "person", "role": "victim", "name": girl, "age": age},
                {
                    "ref": "p2",
                    "type": "person",
                    "role": "suspect",
                    "name": "Mo Test",
                    "age": 27,
                    "dob": "1974-02-03",
                },
                {"ref": "v1", "type": "vehicle", "vrm": "YB02 KLM"},
            ],
        )

    bundle_ingest(
        path=write_bundle(
            records=[
                record("pol-1", "Kayla Test", 14),
                record("pol-2", "Leah Example", 13),
                record("pol-3", "Jade Sample", 15),
            ]
        )
    )
    entities_link()
    alerts_detect()  # stores the communities the pages show


def test_communities_list_and_one_community_with_its_network(
    community: None, write_bundle: BundleWriter
) -> None:
    client = sign_in("analyst@police.example", "analyst")
    listing = client.get("/alerts/communities/")
    assert listing.status_code == 200
    page = text(listing)
    assert "1 community" in page
    import re

    (link,) = set(re.findall(r'href="(/alerts/communities/[^"/]+/)"', page))
    detail = text(client.get(link))
    for name in ("Kayla Test", "Leah Example", "Jade Sample", "Mo Test", "YB02 KLM"):
        assert name in detail
    data = client.get(link + "network.json").json()
    assert len(data["nodes"]) == 5
    assert all(e["records"] >= 1 for e in data["edges"])
    view = AuditEntry.objects.filter(event="view").latest("sequence")
    assert view.object_refs.startswith("network:")


def test_a_community_on_records_the_user_may_not_read_is_withheld(
    community: None, write_bundle: BundleWriter
) -> None:
    client = sign_in_at("worker@csc.example", "analyst", "children_social_care")
    page = text(client.get("/alerts/communities/"))
    assert "0 communities" in page
    assert "1 community rests only on records you may not see" in page
    # A new version shared with them shows them the part of it that record holds,
    # however recently the list was worked out.
    shared = make_record(
        "pol-1",
        shared_with=["children_social_care"],
        mentions=[
            {"ref": "p1", "type": "person", "role": "victim", "name": "Kayla Test", "age": 14},
            {"ref": "p2", "type": "person", "role": "suspect", "name": "Mo Test", "age": 27,
             "dob": "1974-02-03"},
            {"ref": "v1", "type": "vehicle", "vrm": "YB02 KLM"},
        ],
    )  # fmt: skip
    bundle_ingest(path=write_bundle(records=[shared]))
    page = text(client.get("/alerts/communities/"))
    assert "1 community" in page
    assert "rests only on records you may not see" not in page


def test_words_for_identifiers_and_counts() -> None:
    from vigil.web.alerts.templatetags.vigil_words import counted, type_of, words

    assert words("multi_agency_concern") == "Multi agency concern"
    assert type_of("vehicle-0219515739859737") == "vehicle"
    assert [counted("address", 1), counted("address", 2), counted("vehicle", 3)] == [
        "1 address",
        "2 addresses",
        "3 vehicles",
    ]


def test_queue_counts_and_pages_agree_with_need_to_know_for_every_reader(
    write_bundle: BundleWriter,
) -> None:
    from django.contrib.auth import get_user_model

    from vigil.web.alerts import selectors

    bundle_ingest(
        path=write_bundle(
            records=[
                make_record("pol-1"),
                make_record("csc-1", agency="children_social_care"),
                make_record("csc-2", agency="children_social_care", shared_with=["police"]),
            ]
        )
    )
    for n in range(40):
        cited = (["pol-1"], ["csc-1"], ["csc-2"], ["csc-1", "pol-1"])[n % 4]
        make_alert(f"a-{n:02d}", priority=float(n), mentions=[], record_ids=cited)
    sign_in_at("auditor@inquiry.example", "auditor", "inquiry")
    sign_in_at("worker@csc.example", "analyst", "children_social_care")
    sign_in("analyst@police.example", "analyst")
    police = get_user_model().objects.get(email="analyst@police.example")

    def agree() -> None:
        for user in get_user_model().objects.order_by("pk"):
            expected = list(selectors.alert_queue_filtered(user=user))
            for filtered in (False, True):
                rows = selectors.QueueRows(
                    user=user,
                    ordered=selectors.alert_queue_ordered(user=user),
                    filtered=filtered,
                )
                assert rows.count() == len(expected), (user.email, filtered)
                assert rows[0:25] == expected[:25]
                assert rows[25:50] == expected[25:50]

    def police_count() -> int:
        ordered = selectors.alert_queue_ordered(user=police)
        return selectors.QueueRows(user=police, ordered=ordered, filtered=False).count()

    agree()
    assert police_count() == 30  # not the ten citing csc-1 alone
    # Assigned an alert citing csc-1, the police analyst may read csc-1 (rule 3), and so
    # knows of every alert citing it.
    Alert.objects.filter(alert_id="a-01").update(assigned_to=police, status="assigned")
    agree()
    assert police_count() == 40
    Alert.objects.filter(alert_id="a-01").update(assigned_to=None, status="open")
    assert police_count() == 30
    # Evidence that changes, or a record no longer shared, is counted afresh.
    changed = Alert.objects.get(alert_id="a-00")
    changed.record_ids = ["csc-1"]
    changed.save(update_fields=["record_ids"])
    agree()
    assert police_count() == 29
    again = make_record("csc-2", agency="children_social_care", title="No longer shared")
    bundle_ingest(path=write_bundle(records=[again]))
    agree()
    assert police_count() == 19
