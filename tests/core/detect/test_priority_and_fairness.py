"""Priority's factors and explanation; protected characteristics never change an alert."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import orjson

from vigil.core.detect import detect, load_harm, read_bundle_inputs
from vigil.core.scenario import generate

from .helpers import build, concern, day, record


def test_priority_is_the_product_of_explained_factors() -> None:
    data = build(
        record("r1", 1, [("c1", "victim", 12), ("a1", "suspect", 30)], kind="crime", offence="22B"),
        concern("r2", 2, "a1", "c2", agency="health"),
    )
    (alert,) = detect(data, as_of=day(2), rules=("adult_linked_to_children",))
    p = alert.priority
    assert (p.harm, p.vulnerability, p.convergence, p.recency) == (182.0, 2.0, 1.5, 1.0)
    assert p.value == 546.0
    assert "youngest child 12" in alert.explanation and "2 agencies" in alert.explanation
    assert "indicative" in alert.explanation
    (older,) = detect(data, as_of=day(367), rules=("adult_linked_to_children",))
    assert older.priority.recency == 0.5


def test_harm_file_cites_a_source_for_every_figure() -> None:
    harm = load_harm()
    assert harm.weight("19E") is not None and harm.weight("19E").days == 2555  # type: ignore[union-attr]
    assert harm.weight("46").days == 1  # type: ignore[union-attr]
    assert all(w.source in harm.sources and w.indicative for w in harm.weights.values())


def test_shuffling_ethnicity_nationality_religion_changes_nothing(tmp_path: Path) -> None:
    generate(tmp_path, seed=3, scale=0.1)
    bundle = tmp_path / "bundle"
    lines = [orjson.loads(x) for x in (bundle / "records.jsonl").read_bytes().splitlines()]
    truth = orjson.loads((tmp_path / "truth.json").read_bytes())
    entity_of = {(m["record_id"], m["ref"]): m["entity_id"] for m in truth["mentions"]}
    as_of = datetime(2017, 1, 1, tzinfo=UTC)
    before = detect(read_bundle_inputs(bundle, entity_of), as_of=as_of)
    rng = random.Random(5)
    values = ["White - British", "Asian - Pakistani", "Black - African", None, "Other"]
    for line in lines:
        for mention in line["mentions"]:
            for name in ("ethnicity", "nationality", "religion"):
                mention[name] = rng.choice(values)
    (bundle / "records.jsonl").write_bytes(b"\n".join(orjson.dumps(x) for x in lines) + b"\n")
    after = detect(read_bundle_inputs(bundle, entity_of), as_of=as_of)
    assert before  # the scenario does raise alerts
    assert [(a.finding, a.priority) for a in before] == [(a.finding, a.priority) for a in after]
    assert replace(before[0].finding) == after[0].finding
