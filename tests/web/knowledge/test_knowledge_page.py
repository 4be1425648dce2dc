"""The knowledge page: the MoJ timeline and summary, only from records the reader may read."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.test import Client
from django.utils import timezone
from tests.conftest import BundleWriter, make_record

from vigil.core.knowledge import ActionFact, KnowledgeFacts, ReadFact, RecordFact
from vigil.web.accounts import services as account_services
from vigil.web.alerts.models import Alert
from vigil.web.audit.models import AuditEntry
from vigil.web.entities.models import EntityMention
from vigil.web.entities.services import entities_link
from vigil.web.knowledge.page import visible_facts
from vigil.web.records.services import bundle_ingest

pytestmark = pytest.mark.django_db(transaction=True)
CAR = [{"ref": "v1", "type": "vehicle", "vrm": "YB02 KLM"}]


@pytest.fixture
def car(write_bundle: BundleWriter) -> str:
    """A car named in a police record and in a children's social care record not shared."""
    bundle_ingest(
        path=write_bundle(
            records=[
                make_record("pol-1", title="Car outside the home", mentions=CAR, links=[]),
                make_record(
                    "csc-1",
                    agency="children_social_care",
                    kind="referral",
                    author="csc-0007",
                    recorded_at="2000-03-01T09:00:00Z",
                    title="Referral naming the car",
                    mentions=CAR,
                    links=[],
                ),
            ]
        )
    )
    entities_link()
    (entity_id,) = set(
        EntityMention.objects.filter(record_source_id="pol-1").values_list(
            "entity__entity_id", flat=True
        )
    )
    return str(entity_id)


def signed_in(role: str, agency: str = "police") -> Client:
    created = account_services.user_create(
        email=f"{role}@{agency}.example",
        password="a long enough test passphrase",
        agency=agency,
        role=role,
        with_totp=True,
    )
    client = Client()
    client.force_login(created.user)
    return client


def test_an_auditor_sees_every_agency_on_the_timeline(car: str) -> None:
    page = signed_in("auditor").get(f"/knowledge/{car}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'class="moj-timeline"' in html
    assert "pol-1" in html and "csc-1" in html
    assert "withheld" not in html
    assert "children_social_care" in html
    assert "1 March 2000" in html  # social care knew first


def test_records_the_reader_may_not_read_are_withheld_and_counted(car: str) -> None:
    html = signed_in("analyst").get(f"/knowledge/{car}/").content.decode()
    assert "pol-1" in html
    assert "csc-1" not in html and "Referral naming the car" not in html
    assert "children_social_care" not in html  # not even in the summary
    assert "1 record you may not read" in html
    assert "1 March 2000" not in html


def test_reading_the_page_is_logged_as_a_consultation_of_the_entity(car: str) -> None:
    signed_in("analyst").get(f"/knowledge/{car}/")
    (entry,) = AuditEntry.objects.filter(event="view", object_refs=f"entity:{car}")
    assert entry.category == "consultation"
    assert "1 records" in entry.reason and "withheld" in entry.reason
    assert "YB02" not in entry.reason


def test_a_network_and_an_alerts_entities(car: str) -> None:
    client = signed_in("auditor")
    network = client.get("/knowledge/", {"entity": [car, "no-such-entity"]})
    assert network.status_code == 200
    assert b"Not known, left out" in network.content
    assert b"no-such-entity" in network.content
    now = timezone.now()
    Alert.objects.create(
        key="k",
        alert_id="alert-7",
        rule="multi_agency_concern",
        raised_at=now,
        triggered_at=now,
        updated_at=now,
        priority=1.0,
        harm=1.0,
        entity_ids=[car],
        explanation="",
    )
    assert b"pol-1" in client.get("/knowledge/alert/alert-7/").content
    assert client.get("/knowledge/alert/alert-8/").status_code == 404
    assert client.get("/knowledge/no-such-entity/").status_code == 404
    assert client.get("/knowledge/").status_code == 200  # the form to choose entities


def test_the_timeline_filters_by_kind(car: str) -> None:
    html = signed_in("auditor").get(f"/knowledge/{car}/", {"kind": "read"}).content.decode()
    assert "0 events" in html


def test_visible_facts_drop_what_hangs_on_a_withheld_record() -> None:
    at = datetime(2001, 1, 1, tzinfo=UTC)
    facts = KnowledgeFacts(
        entity_ids=("e",),
        records=(
            RecordFact("a", "police", "intelligence", at),
            RecordFact("b", "health", "referral", at),
        ),
        reads=(ReadFact("a", "s1", at), ReadFact("b", "s2", at)),
        actions=(
            ActionFact("x1", "arrest", at, "police", ("a",)),
            ActionFact("x2", "no_further_action", at, "police", ("a", "b")),
            ActionFact("x3", "charge", at, "police", ()),
        ),
    )
    shown = visible_facts(facts, {"a"})
    assert [r.record_id for r in shown.records] == ["a"]
    assert [r.staff_id for r in shown.reads] == ["s1"]
    # An action naming no record may concern the withheld one, so it goes too.
    assert [a.action_id for a in shown.actions] == ["x1"]
    assert [a.action_id for a in visible_facts(facts, {"a", "b"}).actions] == ["x1", "x2", "x3"]
