"""Decoys: innocent patterns that look like exploitation to a careless rule.

- a youth worker recorded with many different children, in ordinary sessions;
- a busy taxi firm in many ordinary records (licences, fares, assaults on drivers);
- a parent who reports their own child missing again and again (found at a
  relative's, never with an adult or a car);
- several different people who share one full name (different dates of birth
  and addresses).

Detection must not flag any of them. Decoys are planned before networks, so
no decoy is ever also in a network.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from vigil.core.scenario import background
from vigil.core.scenario.clock import add_months, day_between, later
from vigil.core.scenario.draft import BRIEF, CASEWORK, FORMAL, Draft, Planned, Render, Scribe
from vigil.core.scenario.names import feminine_surname
from vigil.core.scenario.town import UNCAST, Person, StaffMember, Town

_RELATIVES = (
    "{their} grandmother's",
    "{their} aunt's",
    "{their} nan's",
    "{their} older sister's",
    "{their} dad's",
)


@dataclass(slots=True)
class Decoys:
    """The decoys planted in a town and the records they will cause.

    Attributes:
        members: (entity id, decoy kind) pairs, as truth.json lists them.
        plans: The records, by day.
    """

    members: list[tuple[str, str]] = field(default_factory=list)
    plans: list[Planned] = field(default_factory=list)


def plan_decoys(town: Town, seed: int, scale: float) -> Decoys:
    """Chooses the decoys (marking them in the town) and plans their records.

    Args:
        town: The town.
        seed: The scenario seed.
        scale: The scenario scale; decoys of each kind grow with it.
    """
    rng = random.Random(f"{seed}/decoys")
    decoys = Decoys()
    workers = list(town.staff_by_agency["youth_service"])
    rng.shuffle(workers)
    for worker in workers[: max(1, round(0.5 * scale))]:
        _youth_worker(rng, town, worker, decoys)
    firms = list(town.organisations_of("taxi_firm"))
    rng.shuffle(firms)
    for firm in firms[: max(1, round(0.3 * scale))]:
        _taxi_firm(rng, town, firm, decoys)
    for _ in range(max(1, round(1.0 * scale))):
        _missing_reporter(rng, town, decoys)
    for _ in range(max(1, round(0.5 * scale))):
        _common_name(rng, town, decoys)
    return decoys


def _youth_worker(rng: random.Random, town: Town, worker: StaffMember, decoys: Decoys) -> None:
    person = town.people[worker.person]
    person.kind = "decoy"
    decoys.members.append((person.entity_id, "busy_youth_worker"))
    for _ in range(rng.randint(25, 45)):
        day = day_between(rng, date(2001, 1, 1), date(2015, 12, 31))
        decoys.plans.append(Planned(day, _session(worker, day)))


def _session(worker: StaffMember, day: date) -> Render:
    def render(s: Scribe) -> Draft:
        return background.youth_session(s, day, worker, most=5)

    return render


def _taxi_firm(rng: random.Random, town: Town, firm: int, decoys: Decoys) -> None:
    organisation = town.organisations[firm]
    organisation.kind = "decoy"
    decoys.members.append((organisation.entity_id, "busy_taxi_firm"))
    for _ in range(rng.randint(10, 25)):
        town.add_taxi(rng, firm)
    for _ in range(rng.randint(40, 70)):
        day = day_between(rng, date(2000, 3, 1), date(2016, 11, 30))
        decoys.plans.append(Planned(day, _journey(firm, day)))


def _journey(firm: int, day: date) -> Render:
    """One of a busy firm's ordinary records: licences, fares, drivers assaulted, school runs."""

    def render(s: Scribe) -> Draft:
        rng = s.rng
        town = s.town
        roll = rng.random()
        if roll < 0.35:
            draft = background.driver_licence(s, day, firm)
            if draft is not None:
                return draft
        car = rng.choice(town.organisations[firm].vehicles)
        driver = town.people[town.vehicles[car].owner] if town.vehicles[car].owner >= 0 else None
        if roll < 0.9 and driver is not None:
            return _taxi_incident(s, day, firm, car, driver)
        child = town.aged(rng, day, 5, 15)
        draft = s.draft("education", "other", day, role="Learning Mentor", delay=(24, 24 * 10))
        draft.title = "Home-to-school transport arranged"
        draft.sensitivity = "official"
        f = s.organisation(draft, firm)
        if child is None:
            draft.text = (
                f"Framework contract for home-to-school transport renewed with {f['name']}."
            )
            return draft
        c = s.person(draft, child, "subject", day, CASEWORK)
        draft.link(c, f, "other")
        draft.text = (
            f"Home-to-school transport for {c['name']} (special educational needs) contracted "
            f"to {f['name']}, with a passenger assistant, for the school year."
        )
        return draft

    return render


def _taxi_incident(s: Scribe, day: date, firm: int, car: int, driver: Person) -> Draft:
    rng = s.rng
    passenger = s.town.aged(rng, day, 18, 70)
    roll = rng.random()
    if roll < 0.4 or passenger is None:
        draft = s.draft(
            "police", "crime", day, role="Police Constable", hours=(20, 23), delay=(1, 24)
        )
        draft.offence, draft.title, draft.sensitivity = (
            "58C",
            "Criminal damage to a vehicle",
            "official",
        )
        d = s.person(draft, driver, "victim", day, FORMAL)
        v = s.vehicle(draft, car)
        f = s.organisation(draft, firm)
        draft.link(d, v, "drove")
        draft.link(v, f, "operated_by")
        draft.text = (
            f"Wing mirror of taxi {v['vrm']} ({f['name']}) kicked "
            f"off while parked at the rank. Driver {d['name']}."
        )
    elif roll < 0.7:
        draft = s.draft(
            "police", "crime", day, role="Police Constable", hours=(21, 23), delay=(1, 24)
        )
        draft.offence, draft.title, draft.sensitivity = "105A", "Assault without injury", "official"
        d = s.person(draft, driver, "victim", day, FORMAL)
        p = s.person(draft, passenger, "suspect", day, FORMAL)
        f = s.organisation(draft, firm)
        draft.link(d, f, "works_at")
        draft.link(p, d, "with")
        draft.text = (
            f"{f['name']} driver {d['name']} pushed by drunk "
            f"passenger {p['name']} in a dispute over the route."
        )
    else:
        draft = s.draft(
            "police", "incident", day, role="Police Constable", hours=(21, 23), delay=(0.5, 12)
        )
        draft.title = "Fare dispute"
        draft.sensitivity = "official"
        d = s.person(draft, driver, "reporter", day, BRIEF)
        p = s.person(draft, passenger, "other", day, BRIEF)
        v = s.vehicle(draft, car)
        draft.link(d, v, "drove")
        draft.link(p, v, "passenger")
        draft.text = (
            f"Driver {d['name']} of taxi {v['vrm']} reports passenger {p['name']} refused "
            f"to pay a £{rng.randint(6, 25)} fare. Paid when officers arrived."
        )
    draft.act(
        "closed",
        at=later(rng, draft.recorded_at, min_hours=24, max_hours=24 * 20),
        by=s.staff("police").id,
        rationale="Resolved." if rng.random() < 0.8 else None,
    )
    return draft


def _missing_reporter(rng: random.Random, town: Town, decoys: Decoys) -> None:
    for _ in range(50):
        start = day_between(rng, date(2001, 1, 1), date(2013, 12, 31))
        child = town.aged(rng, start, 12, 14, kinds=UNCAST)
        if child is None or child.care_home >= 0:
            continue
        parent = town.parent_of(child)
        if parent is None or parent.kind != "background":
            continue
        child.kind = parent.kind = "decoy"
        decoys.members.append((parent.entity_id, "frequent_missing_reporter"))
        decoys.members.append((child.entity_id, "frequently_missing_child"))
        end = add_months(start, rng.randint(12, 30))
        for _ in range(rng.randint(8, 18)):
            day = day_between(rng, start, end)
            decoys.plans.append(Planned(day, _gone_to_relatives(child, parent, day)))
        return


def _gone_to_relatives(child: Person, parent: Person, day: date) -> Render:
    def render(s: Scribe) -> Draft:
        rng = s.rng
        draft = s.draft(
            "police",
            "missing_episode",
            day,
            role="Police Constable",
            hours=(17, 23),
            delay=(0.5, 8),
        )
        draft.title = "Missing person - child"
        draft.sensitivity = "official-sensitive"
        c = s.person(draft, child, "subject", day, CASEWORK)
        r = s.person(draft, parent, "reporter", day, CASEWORK)
        draft.link(c, r, "family")
        where = rng.choice(_RELATIVES).format(their="her" if child.gender == "female" else "his")
        draft.text = (
            f"{r['name']} reports {c['name']} has gone out after an argument at home and not "
            f"come back. Found {rng.randint(1, 6)} hours later at {where}, safe and well. "
            "No concerns about who "
            "the child was with. Parent known to report quickly."
        )
        draft.act(
            "closed",
            at=later(rng, draft.recorded_at, min_hours=2, max_hours=48),
            by=draft.author,
            rationale="Safe and well; low risk." if rng.random() < 0.85 else None,
            about=(c,),
        )
        return draft

    return render


def _common_name(rng: random.Random, town: Town, decoys: Decoys) -> None:
    """Gives one full name to several different adults of the same origin and gender."""
    for _ in range(20):
        anchor = town.resident(rng, 1945, 1990, kinds=UNCAST)
        if anchor is None:
            continue
        origin = town.names.origin(anchor.origin)
        # The lists run from the most common names, and common names are the ones shared.
        first = rng.choice((origin.female if anchor.gender == "female" else origin.male)[:8])
        last = town.names.surname(rng, origin)
        if anchor.gender == "female":
            last = feminine_surname(last, origin.feminine)
        if town.names.is_excluded(first, last):
            continue
        namesakes = [anchor]
        for _ in range(400):
            if len(namesakes) >= rng.randint(3, 6):
                break
            other = town.resident(rng, 1945, 1990, gender=anchor.gender, kinds=UNCAST)
            if other is not None and other.origin == anchor.origin and other not in namesakes:
                namesakes.append(other)
        if len(namesakes) < 2:
            continue
        for person in namesakes:
            person.first, person.last, person.kind = first, last, "decoy"
            decoys.members.append((person.entity_id, "common_name"))
            for _ in range(rng.randint(2, 4)):
                adult_from = max(date(2000, 1, 1), add_months(person.dob, 18 * 12))
                day = day_between(rng, adult_from, date(2016, 11, 30))
                decoys.plans.append(Planned(day, _ordinary(person, day)))
        return


def _ordinary(person: Person, day: date) -> Render:
    def render(s: Scribe) -> Draft:
        work = s.rng.choice(
            (background.burglary, background.assault, background.health_contact, background.housing)
        )
        draft = work(s, day, person)
        if draft is None:
            # Housing needs a home; everyone can go to the doctor.
            draft = background.health_contact(s, day, person)
        assert draft is not None
        return draft

    return render
