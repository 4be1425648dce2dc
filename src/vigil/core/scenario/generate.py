"""Generates the synthetic town: a bundle of its agencies' records and the answer key.

The town's people and the plans for networks and decoys are made first and
held in memory; records are then made a month at a time and written at
once, so memory does not grow with the number of records. Every random
choice comes from a source seeded by the scenario seed and what it is for
(the town, the networks, the decoys, each month), so a seed and scale always
give the same files, byte for byte.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vigil.core.scenario.background import WORK
from vigil.core.scenario.clock import (
    END,
    MONTHS,
    START,
    iso_day,
    month_end,
    month_index,
    random_day,
)
from vigil.core.scenario.decoys import plan_decoys
from vigil.core.scenario.draft import Draft, Planned, Scribe
from vigil.core.scenario.names import name_book
from vigil.core.scenario.networks import Network, plan_networks
from vigil.core.scenario.town import Town, build_town
from vigil.core.scenario.truth import TruthWriter
from vigil.core.scenario.writer import BundleWriter

RECORDS_PER_SCALE = 3000
_WORK_KINDS = tuple(work for _, work in WORK)
_WORK_WEIGHTS = tuple(weight for weight, _ in WORK)


@dataclass(frozen=True, slots=True)
class ScenarioSummary:
    """What `generate` wrote.

    Attributes:
        out: The output folder.
        bundle: The bundle folder (`out/bundle`).
        truth: The answer key (`out/truth.json`).
        seed: The seed used.
        scale: The scale used.
        staff: Lines of staff.jsonl.
        records: Lines of records.jsonl.
        actions: Lines of actions.jsonl.
        access: Lines of access.jsonl.
        mentions: Mentions of every type in all records.
        person_mentions: Person mentions in all records.
        networks: Planted exploitation networks.
        decoys: Decoy entities.
    """

    out: Path
    bundle: Path
    truth: Path
    seed: int
    scale: float
    staff: int
    records: int
    actions: int
    access: int
    mentions: int
    person_mentions: int
    networks: int
    decoys: int


def generate(
    out: Path,
    *,
    seed: int,
    scale: float,
    progress: Callable[[int], None] | None = None,
) -> ScenarioSummary:
    """Writes `out/bundle/` (a bundle v1) and `out/truth.json` for a synthetic town.

    Args:
        out: Folder to write into (created if missing; existing files are replaced).
        seed: Any integer; the same seed and scale give byte-identical output.
        scale: Size of the town: about 3,000 records per unit (0.1 for quick tests,
            300 for about a million records).
        progress: Called with the number of records written since its last call.

    Returns:
        Counts of what was written, and where.

    Raises:
        ValueError: if `scale` is not positive.
    """
    if scale <= 0:
        raise ValueError(f"scale must be positive, not {scale}")
    scale = float(scale)
    town = build_town(name_book(), seed, scale)
    # Decoys first, so that no decoy is also cast in a network.
    decoys = plan_decoys(town, seed, scale)
    networks = plan_networks(town, seed, scale)
    planned = _by_month([*decoys.plans, *(plan for network in networks for plan in network.plans)])
    background = max(0, round(RECORDS_PER_SCALE * scale) - sum(map(len, planned.values())))
    bundle_path, truth_path = out / "bundle", out / "truth.json"
    out.mkdir(parents=True, exist_ok=True)
    with (
        TruthWriter(
            truth_path, seed=seed, scale=scale, start=iso_day(START), end=iso_day(END)
        ) as truth,
        BundleWriter(bundle_path, truth) as bundle,
    ):
        bundle.staff(town)
        _write_records(bundle, town, seed, planned, background, networks, progress)
        network_truth = [network.truth(town) for network in networks]
        named = {
            entity
            for item in network_truth
            for ids in [*item["members"].values(), item["collected_from"]]
            for entity in ids
        }
        named.update(entity_id for entity_id, _ in decoys.members)
        truth.section("entities")
        for entity in _entities(town, truth.mentioned | named):
            truth.item(entity)
        truth.section("networks")
        for item in network_truth:
            truth.item(item)
        truth.section("decoys")
        for entity_id, kind in decoys.members:
            truth.item({"entity_id": entity_id, "decoy": kind})
        counts = bundle.counts()
    return ScenarioSummary(
        out=out,
        bundle=bundle_path,
        truth=truth_path,
        seed=seed,
        scale=scale,
        staff=counts.staff,
        records=counts.records,
        actions=counts.actions,
        access=counts.access,
        mentions=counts.mentions,
        person_mentions=counts.person_mentions,
        networks=len(networks),
        decoys=len(decoys.members),
    )


def _write_records(
    bundle: BundleWriter,
    town: Town,
    seed: int,
    planned: dict[int, list[Planned]],
    background: int,
    networks: list[Network],
    progress: Callable[[int], None] | None,
) -> None:
    """Makes and writes the records month by month, in `recorded_at` order."""
    by_key = {network.key: network for network in networks}
    months = len(MONTHS)
    waiting: list[Draft] = []
    for index, (year, month) in enumerate(MONTHS):
        scribe = Scribe(town, random.Random(f"{seed}/month/{index}"))
        drafts = waiting
        drafts.extend(plan.render(scribe) for plan in planned.get(index, ()))
        # An even share of the background, with the remainders spread over the months.
        share = (index + 1) * background // months - index * background // months
        drafts.extend(_background(scribe, year, month, share))
        drafts.sort(key=lambda draft: draft.recorded_at)
        final = index == months - 1
        until = month_end(index)
        # Records made this month but recorded after it wait for next month's file.
        waiting = [] if final else [draft for draft in drafts if draft.recorded_at >= until]
        written = 0
        for draft in drafts:
            if not final and draft.recorded_at >= until:
                continue
            record_id = bundle.record(draft)
            if draft.network is not None:
                by_key[draft.network].note(record_id, draft)
            written += 1
        bundle.flush(None if final else until)
        if progress is not None and written:
            progress(written)


def _background(scribe: Scribe, year: int, month: int, count: int) -> Iterator[Draft]:
    rng = scribe.rng
    for _ in range(count):
        for _attempt in range(6):
            work = rng.choices(_WORK_KINDS, weights=_WORK_WEIGHTS)[0]
            draft = work(scribe, random_day(rng, year, month))
            if draft is not None:
                yield draft
                break


def _by_month(plans: list[Planned]) -> dict[int, list[Planned]]:
    months: dict[int, list[Planned]] = {}
    for plan in sorted(plans, key=lambda plan: plan.day):
        index = min(max(month_index(plan.day), 0), len(MONTHS) - 1)
        months.setdefault(index, []).append(plan)
    return months


def _entities(town: Town, wanted: set[str]) -> Iterator[dict[str, Any]]:
    """Every entity in `wanted`, with its canonical attributes, in id order by type."""
    staff_ids = {member.person: member.id for member in town.staff}
    for person in town.people:
        if person.entity_id in wanted:
            origin = town.names.origin(person.origin)
            yield {
                "entity_id": person.entity_id,
                "type": "person",
                "kind": person.kind,
                "name": person.full_name,
                "first": person.first,
                "last": person.last,
                "gender": person.gender,
                "dob": iso_day(person.dob),
                "origin": person.origin,
                "ethnicity": origin.ethnicity,
                "nationality": person.nationality,
                "address_id": town.addresses[person.home].entity_id if person.home >= 0 else None,
                "phone_id": town.phones[person.phone].entity_id if person.phone >= 0 else None,
                "aliases": list(person.aliases),
                "staff_id": staff_ids.get(person.index),
            }
    for vehicle in town.vehicles:
        if vehicle.entity_id in wanted:
            yield {
                "entity_id": vehicle.entity_id,
                "type": "vehicle",
                "kind": vehicle.kind,
                "vrm": vehicle.plate,
                "make": vehicle.make,
                "model": vehicle.model,
                "colour": vehicle.colour,
                "owner_id": town.people[vehicle.owner].entity_id if vehicle.owner >= 0 else None,
                "operator_id": (
                    town.organisations[vehicle.operator].entity_id
                    if vehicle.operator >= 0
                    else None
                ),
            }
    for phone in town.phones:
        if phone.entity_id in wanted:
            yield {
                "entity_id": phone.entity_id,
                "type": "phone",
                "kind": phone.kind,
                "number": phone.number,
                "owner_id": town.people[phone.owner].entity_id if phone.owner >= 0 else None,
            }
    for address in town.addresses:
        if address.entity_id in wanted:
            yield {
                "entity_id": address.entity_id,
                "type": "address",
                "kind": address.kind,
                "address": address.line,
                "town": address.town,
                "postcode": address.postcode,
                "use": address.use,
            }
    for organisation in town.organisations:
        if organisation.entity_id in wanted:
            yield {
                "entity_id": organisation.entity_id,
                "type": "organisation",
                "kind": organisation.kind,
                "name": organisation.name,
                "org_type": organisation.org_type,
                "address_id": town.addresses[organisation.address].entity_id,
            }
