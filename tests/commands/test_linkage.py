"""`vigil link`, `export entities`, `judge`, `judgements list` and `explain`, as run."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from vigil.cli import app
from vigil.core.scenario import generate
from vigil.web.entities import selectors
from vigil.web.records import models as records
from vigil.web.records.services import bundle_ingest

pytestmark = pytest.mark.django_db(transaction=True)
runner = CliRunner()


def vigil(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


@pytest.fixture
def town(tmp_path: Path) -> Path:
    generate(tmp_path / "town", seed=5, scale=0.1)
    bundle_ingest(path=tmp_path / "town" / "bundle")
    return tmp_path / "town"


def members() -> dict[str, list[tuple[str, str]]]:
    found: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for key, entity_id in selectors.previous_assignment().items():
        found[entity_id].append(key)
    return {e: sorted(m) for e, m in found.items()}


def test_export_follows_the_spec(town: Path) -> None:
    code, output = vigil("link")
    assert code == 0, output
    assert "in full" in output
    result = runner.invoke(app, ["export", "entities", "--format", "jsonl"])
    assert result.exit_code == 0
    lines = [orjson.loads(line) for line in result.stdout.splitlines()]
    assert lines, "one entity a line"
    for line in lines:
        assert list(line) == ["entity_id", "type", "display_name", "mentions"]
        assert line["type"] in {"person", "vehicle", "phone", "address", "organisation"}
        assert isinstance(line["display_name"], str) and line["mentions"]
        assert all(list(m) == ["record_id", "ref"] for m in line["mentions"])
    seen = Counter((m["record_id"], m["ref"]) for line in lines for m in line["mentions"])
    current = records.Record.objects.values("current_version")
    held = set(
        records.Mention.objects.filter(record_version__in=current).values_list(
            "record_version__record__source_id", "ref"
        )
    )
    assert set(seen) == held and max(seen.values()) == 1
    assert len({line["entity_id"] for line in lines}) == len(lines)


def test_judge_list_and_explain(town: Path) -> None:
    assert vigil("link")[0] == 0
    people = sorted(
        (m for e, m in members().items() if e.startswith("person-") and len(m) >= 3),
        key=len,
        reverse=True,
    )
    a, b = people[0][0], people[0][-1]
    left, right = f"{a[0]}:{a[1]}", f"{b[0]}:{b[1]}"

    code, output = vigil("explain", left, right)
    assert code == 0, output
    assert "in one entity" in output and "Match weight" in output
    assert "forename" in output and "surname" in output

    code, output = vigil("judge", "not-same", left, right, "--by", "analyst-3", "--reason", "twins")
    assert code == 0, output
    assert "recorded" in output
    code, output = vigil("link")
    assert code == 0 and "incrementally" in output
    assignment = selectors.previous_assignment()
    assert assignment[a] != assignment[b]

    code, output = vigil("explain", left, right)
    assert "in different entities" in output and "judged them not the same" in output

    code, output = vigil("judge", "same", left, right, "--by", "analyst-4")
    assert code == 0 and "Conflicting judgements" in output
    code, output = vigil("judgements", "list")
    assert code == 0
    rows = output.strip().splitlines()
    assert len(rows) == 2
    assert "same" in rows[0] and "analyst-4" in rows[0]
    assert "not-same" in rows[1] and "twins" in rows[1] and "not applied" in rows[1]

    code, output = vigil("link", "--retrain")
    assert code == 0 and "in full" in output
    assignment = selectors.previous_assignment()
    assert assignment[a] == assignment[b]


def test_explain_names_the_rule_for_vehicles(town: Path) -> None:
    assert vigil("link")[0] == 0
    cars = next(m for e, m in members().items() if e.startswith("vehicle-") and len(m) >= 2)
    code, output = vigil("explain", f"{cars[0][0]}:{cars[0][1]}", f"{cars[1][0]}:{cars[1][1]}")
    assert code == 0, output
    assert "in one entity" in output and "Rule:" in output and "plate" in output


def test_bad_arguments_are_refused(town: Path) -> None:
    assert vigil("link")[0] == 0
    code, output = vigil("judge", "same", "nocolon", "r:p1", "--by", "a")
    assert code != 0
    code, output = vigil("judge", "same", "nosuch:p1", "nosuch:p2", "--by", "a")
    assert code == 1 and "Not recorded" in output
    code, output = vigil("explain", "nosuch:p1", "nosuch:p2")
    assert code == 1
