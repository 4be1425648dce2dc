"""The generated bundle keeps the contract, and truth.json is a complete answer key."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import orjson
import pytest

from vigil.core.contract import (
    Access,
    Action,
    Record,
    Staff,
    parse_access,
    parse_action,
    parse_record,
    parse_staff,
)
from vigil.core.scenario import ScenarioSummary, generate
from vigil.core.scenario.truth import read_truth

FILES = ("staff.jsonl", "records.jsonl", "actions.jsonl", "access.jsonl")


@dataclass(frozen=True)
class Scenario:
    summary: ScenarioSummary
    staff: list[Staff]
    records: list[Record]
    raw_records: list[dict[str, Any]]
    actions: list[Action]
    access: list[Access]
    truth: dict[str, Any]
    progress: list[int]


def _lines(path: Path) -> list[Any]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    progress: list[int] = []
    summary = generate(tmp_path_factory.mktemp("town"), seed=7, scale=0.3, progress=progress.append)
    raw = _lines(summary.bundle / "records.jsonl")
    return Scenario(
        summary=summary,
        staff=[parse_staff(line) for line in _lines(summary.bundle / "staff.jsonl")],
        records=[parse_record(line) for line in raw],
        raw_records=raw,
        actions=[parse_action(line) for line in _lines(summary.bundle / "actions.jsonl")],
        access=[parse_access(line) for line in _lines(summary.bundle / "access.jsonl")],
        truth=read_truth(summary.truth),
        progress=progress,
    )


def test_same_seed_gives_identical_files_and_another_seed_does_not(tmp_path: Path) -> None:
    first = generate(tmp_path / "a", seed=3, scale=0.1)
    again = generate(tmp_path / "b", seed=3, scale=0.1)
    other = generate(tmp_path / "c", seed=4, scale=0.1)
    for name in FILES:
        assert (first.bundle / name).read_bytes() == (again.bundle / name).read_bytes(), name
    assert first.truth.read_bytes() == again.truth.read_bytes()
    assert (first.bundle / "records.jsonl").read_bytes() != (
        other.bundle / "records.jsonl"
    ).read_bytes()


def test_summary_counts_match_the_files(scenario: Scenario) -> None:
    summary = scenario.summary
    assert summary.bundle == summary.out / "bundle"
    assert summary.truth == summary.out / "truth.json"
    assert not (summary.bundle / "truth.json").exists()
    assert summary.staff == len(scenario.staff)
    assert summary.records == len(scenario.records) == sum(scenario.progress)
    assert summary.actions == len(scenario.actions)
    assert summary.access == len(scenario.access)
    persons = sum(1 for r in scenario.records for m in r.mentions if m.type == "person")
    assert summary.person_mentions == persons
    assert summary.networks == len(scenario.truth["networks"]) >= 1
    assert summary.decoys == len(scenario.truth["decoys"])


def test_ids_are_unique_and_shaped(scenario: Scenario) -> None:
    record_ids = [record.id for record in scenario.records]
    assert len(set(record_ids)) == len(record_ids)
    assert all(re.fullmatch(r"[a-z]{3}-[a-z]{2,3}-\d{6}", rid) for rid in record_ids)
    action_ids = [action.id for action in scenario.actions]
    assert len(set(action_ids)) == len(action_ids)
    staff_ids = [member.id for member in scenario.staff]
    assert len(set(staff_ids)) == len(staff_ids)
    assert all(re.fullmatch(r"[a-z]{3}-\d{4}", sid) for sid in staff_ids)


def test_references_resolve(scenario: Scenario) -> None:
    refs = {(record.id, mention.ref) for record in scenario.records for mention in record.mentions}
    record_ids = {record.id for record in scenario.records}
    staff_ids = {member.id for member in scenario.staff}
    for action in scenario.actions:
        assert set(action.record_ids) <= record_ids
        for subject in action.subjects:
            assert (subject.record_id, subject.ref) in refs
        assert action.by in staff_ids
    for record in scenario.records:
        assert record.author in staff_ids
        assert set(record.attendees) <= staff_ids
    for line in scenario.access:
        assert line.record_id in record_ids
        assert line.staff in staff_ids


def test_files_are_in_date_order_and_nothing_precedes_its_record(scenario: Scenario) -> None:
    recorded = [record.recorded_at for record in scenario.records]
    assert recorded == sorted(recorded)
    taken = [action.taken_at for action in scenario.actions]
    assert taken == sorted(taken)
    when = {record.id: record.recorded_at for record in scenario.records}
    assert all(a.taken_at >= when[rid] for a in scenario.actions for rid in a.record_ids)
    assert all(line.at >= when[line.record_id] for line in scenario.access)
    assert all(
        date(2000, 1, 1) <= r.recorded_at.date() <= date(2016, 12, 31) for r in scenario.records
    )


def test_truth_maps_every_mention_to_exactly_one_entity(scenario: Scenario) -> None:
    truth = scenario.truth
    assert (truth["seed"], truth["scale"]) == (7, 0.3)
    assert (truth["start"], truth["end"]) == ("2000-01-01", "2016-12-31")
    mapped = Counter((m["record_id"], m["ref"]) for m in truth["mentions"])
    refs = {(record.id, mention.ref) for record in scenario.records for mention in record.mentions}
    assert set(mapped) == refs
    assert max(mapped.values()) == 1
    entities = {entity["entity_id"]: entity for entity in truth["entities"]}
    assert len(entities) == len(truth["entities"])
    types = {(record.id, m.ref): m.type for record in scenario.records for m in record.mentions}
    for mention in truth["mentions"]:
        entity = entities[mention["entity_id"]]
        assert entity["type"] == types[(mention["record_id"], mention["ref"])]
    for network in truth["networks"]:
        for members in network["members"].values():
            assert set(members) <= set(entities)
    assert {decoy["entity_id"] for decoy in truth["decoys"]} <= set(entities)


def test_networks_are_men_in_their_twenties_to_forties_and_children_of_11_to_16(
    scenario: Scenario,
) -> None:
    entities = {entity["entity_id"]: entity for entity in scenario.truth["entities"]}
    for network in scenario.truth["networks"]:
        start = date.fromisoformat(network["start"])
        assert len(network["members"]["adults"]) >= 2
        for adult in network["members"]["adults"]:
            entity = entities[adult]
            assert entity["kind"] == "perpetrator"
            assert entity["gender"] == "male"
            assert 20 <= _age(entity["dob"], start) <= 49
        assert network["members"]["children"]
        for victim in network["victims"]:
            entity = entities[victim["entity_id"]]
            assert entity["kind"] == "victim"
            assert 11 <= _age(entity["dob"], date.fromisoformat(victim["groomed_from"])) <= 16
            assert victim["age_then"] == _age(
                entity["dob"], date.fromisoformat(victim["groomed_from"])
            )


def test_networks_leave_concerns_across_agencies(scenario: Scenario) -> None:
    by_id = {record.id: record for record in scenario.records}
    for network in scenario.truth["networks"]:
        records = [by_id[rid] for rid in network["record_ids"]]
        assert len(records) >= 10
        assert len({record.agency for record in records}) >= 3
        kinds = {record.kind for record in records}
        assert {"missing_episode", "meeting"} <= kinds
        assert network["first_concern"] is not None
        assert network["second_independent_concern"] is not None
        assert network["first_concern"] <= network["second_independent_concern"]
        meetings = [record for record in records if record.kind == "meeting"]
        assert all(len(m.attendees) >= 2 for m in meetings)
        assert any(m.role == "suspect" for record in meetings for m in record.mentions)


def test_warning_signs_and_responses_are_present(scenario: Scenario) -> None:
    network_records = {rid for n in scenario.truth["networks"] for rid in n["record_ids"]}
    child_suspects = [
        record
        for record in scenario.records
        if record.id in network_records
        and record.kind == "crime"
        and any(m.role == "suspect" and (m.age or 99) < 18 for m in record.mentions)
    ]
    offences = {record.offence for record in scenario.records if record.offence}
    assert offences & {"19D", "19E", "19G", "19H", "21", "22B", "71", "88A", "72", "13", "36"}
    assert offences >= {"45", "46", "48", "105A"}
    assert any(code.startswith("28") for code in offences)
    assert any(code.startswith("58") for code in offences)
    assert child_suspects, "children recorded as offenders"
    nfa = [a for a in scenario.actions if a.kind == "no_further_action"]
    assert any(a.rationale is None for a in nfa)
    assert any(a.rationale and "consensual" in a.rationale.lower() for a in nfa)
    assert {"restricted", "official", "official-sensitive"} <= {
        record.sensitivity for record in scenario.records
    }
    assert any(record.shared_with for record in scenario.records)


def test_most_records_are_background(scenario: Scenario) -> None:
    network_records = {rid for n in scenario.truth["networks"] for rid in n["record_ids"]}
    assert len(network_records) < 0.3 * len(scenario.records)


def test_decoys_of_every_kind_are_present_and_never_in_a_network(scenario: Scenario) -> None:
    kinds = Counter(decoy["decoy"] for decoy in scenario.truth["decoys"])
    assert set(kinds) == {
        "busy_youth_worker",
        "busy_taxi_firm",
        "frequent_missing_reporter",
        "frequently_missing_child",
        "common_name",
    }
    assert kinds["common_name"] >= 2
    members = {
        entity
        for network in scenario.truth["networks"]
        for ids in network["members"].values()
        for entity in ids
    }
    assert not members & {decoy["entity_id"] for decoy in scenario.truth["decoys"]}
    entities = {entity["entity_id"]: entity for entity in scenario.truth["entities"]}
    namesakes = [
        entities[d["entity_id"]] for d in scenario.truth["decoys"] if d["decoy"] == "common_name"
    ]
    names = Counter(entity["name"] for entity in namesakes)
    assert max(names.values()) >= 2
    mentioned = Counter(m["entity_id"] for m in scenario.truth["mentions"])
    assert all(mentioned[d["entity_id"]] > 0 for d in scenario.truth["decoys"])


def test_names_are_written_messily(scenario: Scenario) -> None:
    entities = {entity["entity_id"]: entity for entity in scenario.truth["entities"]}
    names = {
        (record.id, mention.ref): mention.name
        for record in scenario.records
        for mention in record.mentions
        if mention.type == "person"
    }
    differ = 0
    for mention in scenario.truth["mentions"]:
        written = names.get((mention["record_id"], mention["ref"]))
        if written is not None and written != entities[mention["entity_id"]]["name"]:
            differ += 1
    assert 0.1 * len(names) < differ < 0.5 * len(names)


def test_identifiers_are_written_messily(scenario: Scenario) -> None:
    mentions = [m for record in scenario.records for m in record.mentions]
    plates = [m.vrm for m in mentions if m.vrm]
    assert any("?" in plate for plate in plates)
    phones = {m.phone or m.number for m in mentions if m.phone or m.number}
    assert any(p.startswith("+44") for p in phones) and any(p.startswith("07") for p in phones)
    assert any(m.dob is not None for m in mentions) and any(
        m.type == "person" and m.dob is None and m.age is not None for m in mentions
    )
    occurred = [record.occurred_on for record in scenario.records if record.occurred_on]
    assert any(when.precision != "day" for when in occurred)
    assert any(m.ethnicity for m in mentions) and any(m.nationality for m in mentions)


def test_narratives_use_the_mentions_own_strings(scenario: Scenario) -> None:
    """A labeller finds each identifier in the text exactly as a mention field holds it."""
    phone = re.compile(r"(?:\+44 ?7|07)\d{2,3}[\d -]{6,9}\d")
    for raw in scenario.raw_records:
        fields = {
            str(value)
            for mention in raw["mentions"]
            for key, value in mention.items()
            if key in {"name", "vrm", "address", "postcode", "phone", "number", "dob"}
        }
        for number in phone.findall(raw["text"]):
            assert number in fields, (raw["id"], number)
        for mention in raw["mentions"]:
            if mention["type"] == "person":
                assert mention["name"] in raw["text"], (raw["id"], mention["name"])


def test_scale_must_be_positive(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="scale"):
        generate(tmp_path, seed=1, scale=0)


def test_records_grow_linearly_with_scale(tmp_path: Path) -> None:
    small = generate(tmp_path / "small", seed=5, scale=0.2)
    large = generate(tmp_path / "large", seed=5, scale=0.4)
    assert small.records == 600
    assert large.records == 1200
    assert 1.6 < large.person_mentions / small.person_mentions < 2.4
    assert 1.0 < small.person_mentions / small.records < 1.6


def _age(dob: str, on: date) -> int:
    born = date.fromisoformat(dob)
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))
