"""Analysts' judgements: constraints that every later linking respects."""

from __future__ import annotations

from collections import defaultdict

import pyarrow as pa
import pytest

from vigil.core.linkage import LINKS_SCHEMA, MENTIONS_SCHEMA, resolve
from vigil.core.linkage.judgements import (
    NOT_SAME,
    SAME,
    Judgement,
    RowConstraints,
    constraints,
    enforce,
)

from .conftest import Town

A, B, C, D = ("r1", "p1"), ("r2", "p1"), ("r3", "p1"), ("r4", "p1")


def judged(verdict: str, left: tuple[str, str], right: tuple[str, str], n: int) -> Judgement:
    return Judgement(id=str(n), verdict=verdict, left=(left,), right=(right,), by="analyst")


def test_same_judgements_chain() -> None:
    found = constraints([judged(SAME, A, B, 1), judged(SAME, B, C, 2)])
    assert found.together == [{A, B, C}]
    assert not found.conflicts


def test_not_the_same_reaches_everything_joined_to_either_side() -> None:
    found = constraints([judged(SAME, A, B, 1), judged(NOT_SAME, B, C, 2)])
    ((left, right),) = found.apart
    assert {A, B} in (left, right) and {C} in (left, right)


def test_the_newest_of_contradicting_judgements_holds() -> None:
    found = constraints([judged(SAME, A, B, 1), judged(SAME, B, C, 2), judged(NOT_SAME, A, C, 3)])
    # 3 and 2 hold; 1 would join A to C through B, against 3.
    assert [c.overruled.id for c in found.conflicts] == ["1"]
    assert found.conflicts[0].newer == ("3",)
    assert "judgement 1" in found.conflicts[0].describe()
    assert found.together == [{B, C}]
    assert found.apart == [({A}, {B, C})]


def test_a_newer_same_overrules_an_older_not_the_same() -> None:
    found = constraints([judged(NOT_SAME, A, B, 1), judged(SAME, A, B, 2)])
    assert [c.overruled.id for c in found.conflicts] == ["1"]
    assert found.together == [{A, B}]
    assert found.apart == []


def test_enforce_merges_must_links_and_splits_cannot_links() -> None:
    rows = RowConstraints(together=[[0, 5]], apart=[([1], [2])])
    clusters = enforce([[0, 1, 2, 3], [5], [6]], rows)
    by_row = {r: tuple(c) for c in clusters for r in c}
    assert by_row[0] == by_row[5]
    assert by_row[1] != by_row[2]
    assert sorted(r for c in clusters for r in c) == [0, 1, 2, 3, 5, 6]
    assert by_row[6] == (6,)


def test_a_split_keeps_mentions_of_one_identifier_together() -> None:
    # Rows 0-2 share one plate, 3 is a partial joined to it; 0 and 3 judged apart.
    unit = {0: "plate", 1: "plate", 2: "plate", 3: "partial"}
    clusters = enforce([[0, 1, 2, 3]], RowConstraints([], [([0], [3])]), unit.__getitem__)
    assert sorted(clusters) == [[0, 1, 2], [3]]
    # A cloned plate: two mentions of one plate judged two vehicles.
    clusters = enforce([[0, 1, 2]], RowConstraints([], [([0], [1])]), unit.__getitem__)
    assert {tuple(c) for c in clusters} in ({(0, 2), (1,)}, {(0,), (1, 2)})


def _mentions(rows: list[dict[str, object]]) -> pa.Table:
    full = [{name: row.get(name) for name in MENTIONS_SCHEMA.names} for row in rows]
    for row in full:
        row["aliases"] = row["aliases"] or []
    return pa.Table.from_pylist(full, schema=MENTIONS_SCHEMA)


def test_vehicles_follow_judgements() -> None:
    mentions = _mentions(
        [
            {"record_id": f"r{i}", "ref": "v1", "type": "vehicle", "vrm": plate}
            for i, plate in enumerate(["YB02 KLM", "YB02KLM", "yb02 klm", "AB12 CDE"])
        ]
    )
    links = LINKS_SCHEMA.empty_table()
    plain = resolve(mentions, links)
    entity = dict(
        zip(
            plain.memberships.column("record_id").to_pylist(),
            plain.memberships.column("entity_id").to_pylist(),
            strict=True,
        )
    )
    assert entity["r0"] == entity["r1"] == entity["r2"] != entity["r3"]
    cloned = Judgement("1", NOT_SAME, (("r0", "v1"),), (("r1", "v1"),))
    merged = Judgement("2", SAME, (("r2", "v1"),), (("r3", "v1"),))
    after = resolve(
        mentions, links, judged=[cloned, merged], previous={(r, "v1"): e for r, e in entity.items()}
    )
    entity = dict(
        zip(
            after.memberships.column("record_id").to_pylist(),
            after.memberships.column("entity_id").to_pylist(),
            strict=True,
        )
    )
    assert entity["r0"] != entity["r1"]
    assert entity["r2"] == entity["r3"]
    assert after.memberships.num_rows == 4


def _entities(memberships: pa.Table) -> dict[tuple[str, str], str]:
    return dict(
        zip(
            zip(
                memberships.column("record_id").to_pylist(),
                memberships.column("ref").to_pylist(),
                strict=True,
            ),
            memberships.column("entity_id").to_pylist(),
            strict=True,
        )
    )


def test_the_model_links_around_judgements(town: Town) -> None:
    before = _entities(town.resolution.memberships)
    members: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for key, entity_id in before.items():
        members[entity_id].append(key)
    people = sorted(
        (sorted(m) for e, m in members.items() if e.startswith("person-") and len(m) >= 5),
        key=len,
    )
    (split,) = people[:1]
    a, b = split[0], split[-1]
    others = [sorted(m) for m in people[1:3]]
    c, d = others[0][0], others[1][0]
    after_run = resolve(
        town.mentions,
        town.links,
        previous=before,
        judged=[
            Judgement("1", NOT_SAME, (a,), (b,)),
            Judgement("2", SAME, (c,), (d,)),
        ],
    )
    after = _entities(after_run.memberships)
    assert after[a] != after[b]
    assert after[c] == after[d]
    # Cannot-link shapes the clustering: every other mention of the split
    # person still goes with one side or the other, none is cut loose.
    assert {after[k] for k in split} == {after[a], after[b]}
    # Everyone the judgements do not touch is as they were.
    touched = {*split, *others[0], *others[1]}
    assert all(after[k] == before[k] for k in before if k not in touched and k[0] != "x")


def test_a_conflict_is_reported_and_the_newest_holds(town: Town) -> None:
    before = _entities(town.resolution.memberships)
    a, b = sorted(k for k, e in before.items() if e.startswith("person-"))[:2]
    after_run = resolve(
        town.mentions,
        town.links,
        previous=before,
        judged=[Judgement("1", SAME, (a,), (b,)), Judgement("2", NOT_SAME, (a,), (b,))],
    )
    assert [c.overruled.id for c in after_run.conflicts] == ["1"]
    after = _entities(after_run.memberships)
    assert after[a] != after[b]


@pytest.mark.parametrize("verdict", ["maybe"])
def test_an_unknown_verdict_is_refused(verdict: str) -> None:
    with pytest.raises(ValueError, match="verdict"):
        constraints([judged(verdict, A, D, 1)])
