"""Agencies declared deduplicated registers: each names a person at most once."""

from __future__ import annotations

from collections import Counter

from tests.core.linkage.conftest import Town

from vigil.core.linkage import PersonModelOptions, Resolution, resolve
from vigil.core.linkage.incremental import Previous


def most_mentions_by_one_agency(
    mentions_agency: dict[tuple[str, str], str], found: Resolution
) -> int:
    by_person: dict[str, Counter[str]] = {}
    for row in found.memberships.to_pylist():
        agency = mentions_agency.get((row["record_id"], row["ref"]))
        if row["type"] == "person" and agency:
            by_person.setdefault(row["entity_id"], Counter())[agency] += 1
    return max(max(counts.values()) for counts in by_person.values())


def test_no_person_holds_two_mentions_of_one_deduplicated_agency(town: Town) -> None:
    agency_of = {
        (r["record_id"], r["ref"]): r["agency"]
        for r in town.mentions.select(["record_id", "ref", "agency"]).to_pylist()
    }
    # The town's agencies name their people many times over: the option is what keeps them apart.
    assert most_mentions_by_one_agency(agency_of, town.resolution) > 1
    options = PersonModelOptions(deduplicated_agencies=True)
    full = resolve(town.mentions, town.links, options=options)
    assert full.person_method == "model" and full.model is not None
    assert most_mentions_by_one_agency(agency_of, full) == 1
    # An incremental link keeps to it too: the last records' mentions come in as new.
    assignment = {(r["record_id"], r["ref"]): r["entity_id"] for r in full.memberships.to_pylist()}
    late = set(sorted({record for record, _ in assignment})[-40:])
    before = {key: entity for key, entity in assignment.items() if key[0] not in late}
    again = resolve(
        town.mentions, town.links, options=options, since=Previous(before, {}, full.model)
    )
    assert again.work["compared"] > 0
    assert most_mentions_by_one_agency(agency_of, again) == 1
