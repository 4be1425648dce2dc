"""Linking only what is new, with the model the last run kept, against a full re-link."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from vigil.core.linkage import Resolution, pairwise, persons, read_bundle, resolve
from vigil.core.linkage.consistency import NUMBERS_MISTAKEN
from vigil.core.linkage.evaluate import Scores
from vigil.core.linkage.incremental import PersonModel, Previous, score_new, score_within
from vigil.core.linkage.resolve import person_features
from vigil.core.scenario import generate

from .conftest import Town

# The tolerance promised: pairwise F1 of the incremental result measured
# against a full re-link of the same records (measured: 0.994 for people,
# scale 1, seed 1, split at the median recorded date).
MIN_F1_AGAINST_FULL = 0.99


def assignment(
    resolution: Resolution, entity_type: str | None = None
) -> dict[tuple[str, str], str]:
    m = resolution.memberships
    return {
        (record_id, ref): entity_id
        for record_id, ref, entity_id, kind in zip(
            m.column("record_id").to_pylist(),
            m.column("ref").to_pylist(),
            m.column("entity_id").to_pylist(),
            m.column("type").to_pylist(),
            strict=True,
        )
        if entity_type is None or kind == entity_type
    }


def f1(scores: Scores) -> float:
    return 2 * scores.precision * scores.recall / (scores.precision + scores.recall)


@dataclass(frozen=True)
class Split:
    first: Resolution
    incremental: Resolution
    full: Resolution
    new_people: int
    people: int


@pytest.fixture(scope="module")
def split(tmp_path_factory: pytest.TempPathFactory) -> Split:
    folder: Path = tmp_path_factory.mktemp("split")
    generate(folder, seed=1, scale=1)
    mentions, links = read_bundle(folder / "bundle")
    stamps = pc.cast(mentions.column("recorded_at"), pa.int64())
    middle = pc.quantile(stamps, q=0.5)[0].as_py()
    cut = datetime.fromtimestamp(middle / 1e6, UTC)
    early, early_links = read_bundle(folder / "bundle", as_of=cut)
    first = resolve(early, early_links)
    before = assignment(first)
    assert first.model is not None
    people = sum(1 for t in mentions.column("type").to_pylist() if t == "person")
    early_people = sum(1 for t in early.column("type").to_pylist() if t == "person")
    return Split(
        first=first,
        incremental=resolve(mentions, links, since=Previous(before, {}, first.model)),
        full=resolve(mentions, links, previous=before),
        new_people=people - early_people,
        people=people,
    )


@pytest.mark.slow
def test_incremental_matches_a_full_relink_within_tolerance(split: Split) -> None:
    for entity_type in ("person", None):
        scores = pairwise(
            assignment(split.incremental, entity_type), assignment(split.full, entity_type)
        )
        assert f1(scores) >= MIN_F1_AGAINST_FULL, (entity_type, scores)
    assert split.incremental.memberships.num_rows == split.full.memberships.num_rows


@pytest.mark.slow
def test_only_the_new_work_is_done(split: Split) -> None:
    assert split.incremental.work["compared"] == split.new_people
    assert split.incremental.work["reclustered"] < split.people
    assert split.full.work["reclustered"] == split.people
    # The kept model was reused, not trained again.
    assert split.incremental.model == split.first.model


@pytest.mark.slow
def test_entities_keep_their_ids_where_membership_persists(split: Split) -> None:
    before = assignment(split.first)
    after = assignment(split.incremental)
    kept = sum(1 for key, entity_id in before.items() if after[key] == entity_id)
    assert kept / len(before) >= 0.95
    # An entity holding exactly the old mentions one entity held (plus new
    # ones) is that entity, under its id.
    members_before: dict[str, set[tuple[str, str]]] = {}
    for key, entity_id in before.items():
        members_before.setdefault(entity_id, set()).add(key)
    old_members_after: dict[str, set[tuple[str, str]]] = {}
    for key, entity_id in after.items():
        if key in before:
            old_members_after.setdefault(entity_id, set()).add(key)
    persisted = 0
    for entity_id, members in old_members_after.items():
        previous = {before[k] for k in members}
        if len(previous) == 1 and members_before[next(iter(previous))] == members:
            assert entity_id == next(iter(previous))
            persisted += 1
    assert persisted >= 0.9 * len(members_before)


def test_nothing_new_changes_nothing(town: Town) -> None:
    before = assignment(town.resolution)
    model = town.resolution.model
    assert model is not None
    again = resolve(town.mentions, town.links, since=Previous(before, {}, model))
    assert assignment(again) == before
    assert again.work == {"compared": 0, "reclustered": 0}


def test_a_lost_record_is_relinked_around(town: Town) -> None:
    before = assignment(town.resolution)
    model = town.resolution.model
    assert model is not None
    gone = sorted({k[0] for k, e in before.items() if e.startswith("person-")})[0]
    keep = pc.not_equal(town.mentions.column("record_id"), gone)
    mentions = town.mentions.filter(keep)
    links = town.links.filter(pc.not_equal(town.links.column("record_id"), gone))
    after = assignment(resolve(mentions, links, since=Previous(before, {}, model)))
    assert set(after) == {k for k in before if k[0] != gone}
    assert sum(1 for k, e in after.items() if before[k] == e) >= 0.95 * len(after)


def test_a_kept_model_survives_json(town: Town) -> None:
    model = town.resolution.model
    assert model is not None
    assert PersonModel.from_json(model.to_json()) == model
    assert PersonModel.from_json(None) is None
    assert PersonModel.from_json({"format": -1}) is None


def _with_mistaken_share(model: PersonModel, share: float) -> PersonModel:
    """The model, with how often one person carries two numbers of a scheme set to `share`."""
    settings = copy.deepcopy(model.settings)
    levels = [
        level
        for comparison in settings["comparisons"]
        if comparison.get("output_column_name") == "identifiers"
        for level in comparison["comparison_levels"]
        if level.get("label_for_charts") == persons.DIFFERENT_NUMBERS
    ]
    assert levels, "the person model compares identifiers"
    for level in levels:
        level["m_probability"] = share
    return PersonModel(settings, model.term_frequencies, model.threshold, model.trained_on)


@pytest.mark.parametrize(
    ("share", "tagged"),
    [
        (persons.MISTAKEN_NUMBER_SHARE, True),
        (persons.MISTAKEN_NUMBER_SHARE * 0.99, False),
        (1e-6, False),
    ],
)
def test_kept_model_tags_pairs_when_numbers_are_mistaken(
    town: Town, share: float, tagged: bool
) -> None:
    # A full link tags its pairs so that clustering lets a differing number pass;
    # pairs scored with the kept model must say the same, or an incremental
    # step splits people a full link joins.
    model = town.resolution.model
    assert model is not None
    kept = _with_mistaken_share(model, share)
    table = person_features(town.mentions)
    new = table.column("unique_id").to_pylist()[-20:]
    for pairs in (score_new(table, new, kept), score_within(table.slice(0, 200), kept)):
        assert (NUMBERS_MISTAKEN in (pairs.schema.metadata or {})) is tagged
