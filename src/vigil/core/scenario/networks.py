"""Planted exploitation networks: who is in them, what they use, and when.

A network is a group of men in their twenties to forties, often related or
working together, who groom girls (and some boys) aged 11 to 16 as
"boyfriends", using taxis, takeaways, flats and hotels, phones that change
and trips to other towns. The men and the children are drawn from the town
uniformly among those of the right age and sex, and the town's people all
got their origins from the same sampler, so origin does not predict role.
The records each network leaves are planned in `concerns`.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from vigil.core.scenario.clock import END, add_months, age_on, day_between, stamp
from vigil.core.scenario.concerns import plan_concerns
from vigil.core.scenario.draft import Draft, Planned
from vigil.core.scenario.town import Person, Town

LATEST_START = date(2012, 12, 31)
LATEST_END = date(2016, 6, 30)
# Code names for the investigations that came years later.
_OPERATIONS = (
    "Alder",
    "Bramble",
    "Cobalt",
    "Dunlin",
    "Ember",
    "Fenwick",
    "Garnet",
    "Heron",
    "Ironwood",
    "Juniper",
    "Kestrel",
    "Lantern",
    "Meridian",
    "Nightjar",
    "Osprey",
    "Pennant",
    "Quarry",
    "Rampart",
    "Sable",
    "Tamarind",
    "Umber",
    "Vantage",
    "Wayfarer",
    "Yarrow",
    "Zephyr",
)


@dataclass(slots=True)
class Victim:
    """A child groomed by a network, and when."""

    person: Person
    groomed_from: date
    until: date
    school: int
    boyfriend: Person


@dataclass(slots=True)
class Network:
    """One planted network: who, what they used, when, and the records it caused."""

    key: str
    start: date
    end: date
    adults: list[Person]
    victims: list[Victim] = field(default_factory=list)
    taxi_firm: int = -1
    takeaway: int = -1
    hotel: int = -1
    flats: list[int] = field(default_factory=list)
    vehicles: list[int] = field(default_factory=list)
    car_of: dict[int, int] = field(default_factory=dict)
    phones: dict[int, list[tuple[date, int]]] = field(default_factory=dict)
    outcome: tuple[str, date] | None = None
    operation: str = ""
    plans: list[Planned] = field(default_factory=list)
    record_ids: list[str] = field(default_factory=list)
    concerns: list[tuple[datetime, str]] = field(default_factory=list)
    sightings: list[tuple[str, str, int]] = field(default_factory=list)

    def note(self, record_id: str, draft: Draft) -> None:
        """Keeps a written concern record and where the men are mentioned in it."""
        self.record_ids.append(record_id)
        self.concerns.append((draft.recorded_at, draft.agency))
        adults = {adult.entity_id: adult.index for adult in self.adults}
        for mention, entity_id in zip(draft.mentions, draft.entities, strict=True):
            if entity_id in adults:
                self.sightings.append((record_id, mention["ref"], adults[entity_id]))

    def phone_of(self, person: Person, on: date) -> int:
        """The phone the man was using on `on` (they change), or -1."""
        current = -1
        for since, phone in self.phones.get(person.index, ()):
            if since <= on:
                current = phone
        return current

    def truth(self, town: Town) -> dict[str, Any]:
        """The network as truth.json describes it."""
        first = min(self.concerns, default=None)
        second = None
        if first is not None:
            second = min(
                (when for when, agency in self.concerns if agency != first[1]), default=None
            )
        organisations = [org for org in (self.taxi_firm, self.takeaway, self.hotel) if org >= 0]
        schools = sorted({victim.school for victim in self.victims})
        homes = sorted({v.person.care_home for v in self.victims if v.person.care_home >= 0})
        return {
            "network_id": self.key,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "members": {
                "adults": [adult.entity_id for adult in self.adults],
                "children": [victim.person.entity_id for victim in self.victims],
                "vehicles": [town.vehicles[v].entity_id for v in self.vehicles],
                "phones": [
                    town.phones[phone].entity_id
                    for periods in self.phones.values()
                    for _, phone in periods
                ],
                "addresses": [town.addresses[a].entity_id for a in self.flats],
                "organisations": [town.organisations[o].entity_id for o in organisations],
            },
            # Where the children were collected from: places, not part of the network.
            "collected_from": [town.organisations[o].entity_id for o in [*schools, *homes]],
            "victims": [
                {
                    "entity_id": victim.person.entity_id,
                    "groomed_from": victim.groomed_from.isoformat(),
                    "age_then": age_on(victim.person.dob, victim.groomed_from),
                }
                for victim in self.victims
            ],
            "record_ids": self.record_ids,
            "first_concern": stamp(first[0]) if first else None,
            "second_independent_concern": stamp(second) if second else None,
            "outcome": (
                {"kind": self.outcome[0], "date": self.outcome[1].isoformat()}
                if self.outcome
                else None
            ),
        }


def network_count(scale: float) -> int:
    """How many networks a town of this scale holds (about 2.5 per unit of scale)."""
    return max(1, round(2.5 * scale))


def plan_networks(town: Town, seed: int, scale: float) -> list[Network]:
    """Recruits each network from the town and plans the records it will cause.

    Args:
        town: The town (people are marked perpetrator or victim).
        seed: The scenario seed.
        scale: The scenario scale.
    """
    rng = random.Random(f"{seed}/networks")
    networks: list[Network] = []
    for number in range(1, network_count(scale) + 1):
        network = _recruit(rng, town, f"net-{number:03d}")
        if network is not None:
            plan_concerns(rng, network)
            networks.append(network)
    return networks


# -- recruitment ---------------------------------------------------------------------------


def _recruit(rng: random.Random, town: Town, key: str) -> Network | None:
    start = day_between(rng, date(2000, 1, 1), LATEST_START)
    end = min(add_months(start, rng.randint(24, 72)), LATEST_END)
    adults = _men(rng, town, start, rng.randint(3, 7))
    if len(adults) < 2:
        return None
    network = Network(key=key, start=start, end=end, adults=adults)
    network.operation = rng.choice(_OPERATIONS)
    for adult in adults:
        adult.kind = "perpetrator"
        if rng.random() < 0.7:
            nicknames = town.names.nicknames(adult.first)
            adult.aliases = (rng.choice(nicknames) if nicknames else f"Big {adult.first}",)
    _equip(rng, town, network)
    for _ in range(rng.randint(3, 9)):
        victim = _groom(rng, town, network)
        if victim is not None:
            network.victims.append(victim)
    if not network.victims:
        return None
    network.outcome = _outcome(rng, end)
    return network


def _men(rng: random.Random, town: Town, start: date, size: int) -> list[Person]:
    """Men aged 20-49 at the start: one chosen at random, some of his relatives, then others."""
    chosen: list[Person] = []

    def fits(person: Person) -> bool:
        return (
            person.gender == "male"
            and person.kind == "background"
            and person.home >= 0
            and 20 <= age_on(person.dob, start) <= 49
            and person not in chosen
        )

    first = _eligible(rng, town, start, fits)
    if first is None:
        return chosen
    chosen.append(first)
    relatives = [relative for relative in town.relatives(first) if fits(relative)]
    rng.shuffle(relatives)
    chosen.extend(relatives[: rng.choice((0, 1, 1, 2))])
    while len(chosen) < size:
        other = _eligible(rng, town, start, fits)
        if other is None:
            break
        chosen.append(other)
    return chosen


def _eligible(
    rng: random.Random, town: Town, start: date, fits: Callable[[Person], bool]
) -> Person | None:
    for _ in range(200):
        people = town.residents_born(rng.randint(start.year - 50, start.year - 20))
        if people:
            person = town.people[rng.choice(people)]
            if fits(person):
                return person
    return None


def _equip(rng: random.Random, town: Town, network: Network) -> None:
    """Cars, taxis, phones, a takeaway, flats and a hotel the network uses."""
    firms = [f for f in town.organisations_of("taxi_firm") if town.organisations[f].kind != "decoy"]
    network.taxi_firm = rng.choice(firms)
    network.takeaway = rng.choice(town.organisations_of("takeaway"))
    town.organisations[network.taxi_firm].kind = "network"
    town.organisations[network.takeaway].kind = "network"
    if rng.random() < 0.6:
        network.hotel = rng.choice(town.organisations_of("hotel"))
        town.organisations[network.hotel].kind = "network"
    for adult in network.adults:
        if rng.random() < 0.5:
            taxi = town.add_taxi(rng, network.taxi_firm, driver=adult)
            network.car_of[adult.index] = taxi
        elif adult.index in town.car_of:
            network.car_of[adult.index] = town.car_of[adult.index]
        elif rng.random() < 0.6:
            registered = day_between(rng, date(1995, 1, 1), network.start)
            network.car_of[adult.index] = town.new_vehicle(rng, adult.index, registered=registered)
        # Phones change: a new number every year or so.
        since = network.start - timedelta(days=rng.randint(0, 200))
        periods: list[tuple[date, int]] = []
        while since <= network.end:
            periods.append((since, town.new_phone(rng, adult.index, "network")))
            since = add_months(since, rng.randint(9, 30))
        network.phones[adult.index] = periods
    network.vehicles = sorted(set(network.car_of.values()))
    for vehicle in network.vehicles:
        town.vehicles[vehicle].kind = "network"
    network.flats.append(town.new_address(rng, town.home, "flat", flat=True))
    if rng.random() < 0.5:
        network.flats.append(town.new_address(rng, town.home, "flat", flat=True))
    # Children were moved between towns.
    network.flats.append(town.new_address(rng, rng.choice(town.neighbours), "flat", flat=True))
    for flat in network.flats:
        town.addresses[flat].kind = "network"


def _groom(rng: random.Random, town: Town, network: Network) -> Victim | None:
    """A child aged 11-16 when the grooming starts; mostly girls, some boys."""
    latest = add_months(network.end, -4)
    if latest <= network.start:
        return None
    groomed_from = day_between(rng, network.start, latest)
    gender = "female" if rng.random() < 0.88 else "male"
    # The men's own families are not the pattern being planted.
    families = {adult.family for adult in network.adults}
    for _ in range(200):
        people = town.residents_born(rng.randint(groomed_from.year - 17, groomed_from.year - 11))
        if not people:
            continue
        child = town.people[rng.choice(people)]
        if (
            child.gender == gender
            and child.kind == "background"
            and child.family not in families
            and 11 <= age_on(child.dob, groomed_from) <= 16
        ):
            child.kind = "victim"
            if rng.random() < 0.3:
                child.care_home = rng.choice(town.organisations_of("childrens_home"))
            until = min(add_months(groomed_from, rng.randint(6, 30)), network.end)
            return Victim(
                person=child,
                groomed_from=groomed_from,
                until=until,
                school=rng.choice(town.organisations_of("school")),
                boyfriend=rng.choice(network.adults),
            )
    return None


def _outcome(rng: random.Random, end: date) -> tuple[str, date] | None:
    """How far the criminal justice response got, if anywhere, before the records end."""
    roll = rng.random()
    if roll < 0.45:
        return None
    opened = day_between(
        rng, max(end, date(2009, 1, 1)), add_months(max(end, date(2009, 1, 1)), 48)
    )
    arrested = add_months(opened, rng.randint(1, 6))
    charged = add_months(arrested, rng.randint(3, 9))
    convicted = add_months(charged, rng.randint(9, 20))
    if roll < 0.8 and convicted <= END:
        return "conviction", convicted
    if roll < 0.9 and charged <= END:
        return "charge", charged
    if arrested <= END:
        return "arrest", arrested
    return None
