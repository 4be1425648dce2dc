"""Resolving a synthetic town: accuracy against its truth, coverage, fairness, stable ids."""

from __future__ import annotations

from collections import Counter

import pyarrow as pa
import pytest
from tests.core.linkage.conftest import Town

from vigil.core.linkage import b_cubed, pairwise, resolve
from vigil.core.linkage.features import EVIDENCE_COLUMNS, NEVER_EVIDENCE

# Measured at seed 7, scale 0.3 (pairwise F1 0.94, B-cubed F1 0.96 for people);
# the floors sit a little under, so a regression fails and noise does not.
PERSON_PAIRWISE_F1_FLOOR = 0.92
PERSON_B_CUBED_F1_FLOOR = 0.94


def predicted(town: Town, entity_type: str) -> dict[tuple[str, str], str]:
    return {
        (m["record_id"], m["ref"]): m["entity_id"]
        for m in town.resolution.memberships.to_pylist()
        if m["type"] == entity_type
    }


def test_people_are_resolved_above_the_measured_floor(town: Town) -> None:
    people = predicted(town, "person")
    assert pairwise(people, town.truth).f1 >= PERSON_PAIRWISE_F1_FLOOR
    assert b_cubed(people, town.truth).f1 >= PERSON_B_CUBED_F1_FLOOR
    assert town.resolution.person_method == "model"


@pytest.mark.parametrize("entity_type", ["vehicle", "organisation", "address"])
def test_identifier_entities_are_nearly_exact(town: Town, entity_type: str) -> None:
    scores = pairwise(predicted(town, entity_type), town.truth)
    assert scores.precision >= 0.99
    assert scores.f1 >= 0.85


def test_every_mention_is_in_exactly_one_entity(town: Town) -> None:
    keys = list(
        zip(
            town.resolution.memberships.column("record_id").to_pylist(),
            town.resolution.memberships.column("ref").to_pylist(),
            strict=True,
        )
    )
    assert Counter(keys).most_common(1)[0][1] == 1
    assert set(keys) == set(town.truth)
    entity_ids = set(town.resolution.entities.column("entity_id").to_pylist())
    assert set(town.resolution.memberships.column("entity_id").to_pylist()) == entity_ids


def test_types_of_entities_follow_the_mentions(town: Town) -> None:
    for key, entity_type in zip(
        zip(
            town.resolution.memberships.column("record_id").to_pylist(),
            town.resolution.memberships.column("ref").to_pylist(),
            strict=True,
        ),
        town.resolution.memberships.column("type").to_pylist(),
        strict=True,
    ):
        assert town.truth_types[key] == entity_type


def test_ethnicity_nationality_and_religion_are_never_evidence(town: Town) -> None:
    assert not NEVER_EVIDENCE & set(EVIDENCE_COLUMNS)
    mentions = town.mentions
    # Moving every value to another mention changes them for nearly everyone.
    for column in sorted(NEVER_EVIDENCE):
        values = mentions.column(column).to_pylist()
        shuffled = values[1:] + values[:1]
        mentions = mentions.set_column(
            mentions.schema.get_field_index(column), column, pa.array(shuffled, pa.string())
        )
    again = resolve(mentions, town.links)
    assert again.memberships.equals(town.resolution.memberships)
    assert again.entities.equals(town.resolution.entities)


def test_a_rerun_keeps_every_entity_id(town: Town) -> None:
    previous = {
        (m["record_id"], m["ref"]): m["entity_id"] for m in town.resolution.memberships.to_pylist()
    }
    again = resolve(town.mentions, town.links, previous=previous)
    assert again.memberships.sort_by("entity_id").equals(
        town.resolution.memberships.sort_by("entity_id")
    )
