"""Who knew what, when, on a small synthetic town, checked against its truth.

The town is ingested and linked as in production; each planted network's
members (truth ids) are mapped to the entities linkage resolved through the
truth's mentions. The chronology also holds the members' earlier, unrelated
records (a licensing application, a school record), so the checks are what the
truth guarantees: every network record is there, dated as truth dates it; each
agency that held a network record knew no later than truth says; the first
action of the outcome's kind is on the outcome's date; a network never acted
on has no charge or conviction and its gap runs to now.

Measured (scale 0.3): seed 1, net-001 convicted: 100+ records, seven agencies
knew, first concern to arrest about 2,000 days; seed 7, net-001 never acted
on (only a victim was arrested).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest
from tests.conftest import BundleWriter, make_record
from typer.testing import CliRunner

from vigil.cli import app
from vigil.core.knowledge import EventKind, build_chronology, summarise
from vigil.core.scenario import generate
from vigil.core.scenario.truth import read_truth
from vigil.web.audit.models import AuditEntry
from vigil.web.entities.models import EntityMention
from vigil.web.entities.services import entities_link
from vigil.web.knowledge.selectors import knowledge_facts
from vigil.web.records.models import Record
from vigil.web.records.services import bundle_ingest

pytestmark = pytest.mark.django_db(transaction=True)

SCALE = 0.3
MEMBER_GROUPS = ("adults", "children", "vehicles", "phones", "addresses")
NOW = datetime(2025, 1, 1, tzinfo=UTC)


def parse(moment: str) -> datetime:
    return datetime.fromisoformat(moment.replace("Z", "+00:00"))


@pytest.fixture(
    params=[1, pytest.param(7, marks=pytest.mark.slow)],
    ids=["seed1-convicted", "seed7-never-acted-on"],
)
def town(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, Any]]:
    generate(tmp_path / "town", seed=request.param, scale=SCALE)
    bundle_ingest(path=tmp_path / "town" / "bundle")
    entities_link()
    yield read_truth(tmp_path / "town" / "truth.json")


def network_entities(truth: dict[str, Any], network: dict[str, Any]) -> list[str]:
    """The resolved entities holding any mention of the network's members."""
    members = {e for group in MEMBER_GROUPS for e in network["members"][group]}
    keys = [(m["record_id"], m["ref"]) for m in truth["mentions"] if m["entity_id"] in members]
    resolved = {
        (record_id, ref): entity_id
        for record_id, ref, entity_id in EntityMention.objects.values_list(
            "record_source_id", "ref", "entity__entity_id"
        )
    }
    return sorted({resolved[key] for key in keys if key in resolved})


def test_each_network_chronology_matches_truth(town: dict[str, Any]) -> None:
    assert town["networks"]
    stored = {
        source_id: (agency, at)
        for source_id, agency, at in Record.objects.values_list(
            "source_id", "current_version__agency", "current_version__recorded_at"
        )
    }
    for network in town["networks"]:
        facts = knowledge_facts(entity_ids=network_entities(town, network))
        events = build_chronology(facts)
        outcome = network["outcome"]
        kinds = {outcome["kind"]} if outcome else {"charge", "conviction"}
        summary = summarise(facts, events, qualifying=kinds, now=NOW)

        ours = set(network["record_ids"])
        recorded = [e for e in events if e.kind is EventKind.RECORDED and e.record_id in ours]
        assert {e.record_id for e in recorded} == ours
        first = parse(network["first_concern"])
        assert recorded[0].when == first
        second = network["second_independent_concern"]
        if second is not None:
            other = next(e for e in recorded if e.agency != recorded[0].agency)
            assert other.when == parse(second)

        assert summary.first_knowledge is not None and summary.first_knowledge <= first
        held: dict[str, datetime] = {}
        for record_id in network["record_ids"]:
            agency, at = stored[record_id]
            held[agency] = min(at, held.get(agency, at))
        for agency, at in held.items():
            assert summary.agencies_first_knew[agency] <= at, agency
        assert summary.professionals >= len(held)

        if outcome is None:
            assert summary.first_action is None
            assert summary.gap_until_now
            assert summary.gap_days == (NOW - summary.first_knowledge).days
        else:
            acted = summary.first_action
            assert acted is not None and acted.when.date() == date.fromisoformat(outcome["date"])
            assert summary.gap_days == (acted.when - summary.first_knowledge).days
            # From the network's own first concern, the gap truth implies.
            truth_gap = (date.fromisoformat(outcome["date"]) - first.date()).days
            assert (acted.when - first).days in (truth_gap - 1, truth_gap)


def test_report_command_writes_each_format_and_audits(
    write_bundle: BundleWriter, tmp_path: Path
) -> None:
    bundle_ingest(
        path=write_bundle(
            records=[
                make_record("r1", recorded_at="2001-06-15T10:22:00Z"),
                make_record("r2", agency="youth_service", recorded_at="2002-01-15T10:22:00Z"),
            ],
            access=[{"staff": "pol-0042", "record_id": "r1", "at": "2001-06-16T09:00:00Z"}],
        )
    )
    entities_link()
    entities = sorted(
        set(EntityMention.objects.filter(ref="p2").values_list("entity__entity_id", flat=True))
    )
    before = AuditEntry.objects.count()
    runner = CliRunner()
    html = tmp_path / "knowledge.html"
    result = runner.invoke(
        app, ["report", "knowledge", *entities, "--format", "html", "--out", str(html)]
    )
    assert result.exit_code == 0, result.output
    page = html.read_text("utf-8")
    assert "Who knew what, when" in page and "<link" not in page and "<script" not in page
    result = runner.invoke(app, ["report", "knowledge", *entities, "--format", "csv"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("when,kind,agency,staff,record_id")
    assert [line.split(",")[1] for line in lines[1:]] == ["recorded", "read", "recorded"]
    result = runner.invoke(app, ["report", "knowledge", *entities, "--format", "json"])
    assert result.exit_code == 0, result.output
    summary = orjson.loads(result.stdout)["summary"]
    assert list(summary["agencies_first_knew"]) == ["police", "youth_service"]
    entries = list(AuditEntry.objects.filter(sequence__gte=before).order_by("sequence"))
    reports = [e for e in entries if e.reason.startswith("knowledge report")]
    assert [e.event for e in reports] == ["export", "view", "view"]
    assert reports[0].object_refs == " ".join(f"entity:{e}" for e in entities)
    assert all(e.category == "consultation" for e in reports)
    result = runner.invoke(app, ["report", "knowledge", "no-such-entity"])
    assert result.exit_code == 2
