"""A record being written, and the scribe who writes its mentions the way agencies do.

A `Draft` is one record before it has an id: its mentions (each paired with
the true entity it is about), links, narrative, the actions that will follow
it and the reads it will get. The `Scribe` fills mentions in with the
imprecision of real recording: names written loosely, dates of birth
mistyped or missing, ages guessed, registrations partly seen.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from vigil.core.scenario.clock import age_on, iso_day, later, moment
from vigil.core.scenario.identifiers import (
    nhs_number,
    pnc_id,
    upn,
    written_phone,
    written_plate,
    written_postcode,
)
from vigil.core.scenario.names import typo
from vigil.core.scenario.reference import load
from vigil.core.scenario.town import Person, StaffMember, Town

Mention = dict[str, Any]

# Statistics fields are recorded at the same rate whoever the person is:
# ethnicity is missing in about two-thirds of records.
_ETHNICITY_RATE = 0.33
_NATIONALITY_RATE = 0.2
_ABBREVIATIONS: dict[str, str] = load("town.json")["abbreviations"]


@dataclass(frozen=True, slots=True)
class Detail:
    """How fully an agency records a person in a given kind of record.

    Attributes:
        care: Chance the name is written in full and correctly.
        dob: Chance a date of birth is recorded.
        address: Chance a home address is recorded.
        phone: Chance the person's phone number is recorded.
        gender: Chance gender is recorded.
        age: Chance an age (usually a guess) is recorded when the date of birth is not.
        identifier: Which identifier the agency records (`pnc`, `nhs`, `upn`), if any.
    """

    care: float
    dob: float
    address: float
    phone: float
    gender: float = 0.9
    age: float = 0.75
    identifier: str | None = None


_PROFESSIONAL = Detail(care=1.0, dob=0.0, address=0.0, phone=0.0, gender=0.3, age=0.0)
# A victim or reporter giving details to a police officer.
FORMAL = Detail(care=0.85, dob=0.8, address=0.75, phone=0.35)
# Children and families known to social care.
CASEWORK = Detail(care=0.8, dob=0.85, address=0.6, phone=0.2)
# Someone noted in passing.
BRIEF = Detail(care=0.6, dob=0.25, address=0.1, phone=0.03)
# Someone known only by what others say: a first name, a nickname, a guess at age.
LOOSE = Detail(care=0.3, dob=0.06, address=0.04, phone=0.08, gender=0.75)
PATIENT = Detail(care=0.9, dob=0.95, address=0.7, phone=0.3, identifier="nhs")
PUPIL = Detail(care=0.9, dob=0.9, address=0.3, phone=0.0, identifier="upn")
# Named as a suspect by a victim or witness.
SUSPECT = Detail(care=0.7, dob=0.6, address=0.5, phone=0.1, identifier="pnc")
# In custody: the details are taken from the person.
ARRESTED = Detail(care=0.9, dob=0.95, address=0.8, phone=0.3, identifier="pnc")


@dataclass(slots=True)
class ActionPlan:
    """An action that will follow a record once the record has its id.

    Attributes:
        kind: Action kind from the contract.
        agency: Agency taking it.
        taken_at: When.
        by: Staff id of who took it.
        rationale: Reason recorded, or None when nobody wrote one down.
        approved_by: Staff id of an approver, if any.
        refs: Mentions of this record the action is about.
        earlier: (record id, ref) pairs in records already written that it is also about.
    """

    kind: str
    agency: str
    taken_at: datetime
    by: str | None
    rationale: str | None = None
    approved_by: str | None = None
    refs: tuple[str, ...] = ()
    earlier: tuple[tuple[str, str], ...] = ()


@dataclass(slots=True)
class Draft:
    """A record before it is given an id and written."""

    agency: str
    kind: str
    recorded_at: datetime
    occurred_on: str | None
    author: str | None
    title: str = ""
    text: str = ""
    offence: str | None = None
    sensitivity: str | None = None
    local_time: bool = False
    shared_with: list[str] = field(default_factory=list)
    attendees: list[str] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    entities: list[str] = field(default_factory=list)
    links: list[dict[str, str]] = field(default_factory=list)
    actions: list[ActionPlan] = field(default_factory=list)
    reads: list[tuple[datetime, str]] = field(default_factory=list)
    network: str | None = None
    _counts: dict[str, int] = field(default_factory=dict)

    def add(self, mention: Mention, entity_id: str, prefix: str) -> Mention:
        """Adds a mention (given the next ref for `prefix`) about the entity `entity_id`."""
        count = self._counts.get(prefix, 0) + 1
        self._counts[prefix] = count
        stored = {"ref": f"{prefix}{count}", **mention}
        self.mentions.append(stored)
        self.entities.append(entity_id)
        return stored

    def link(self, source: Mention, target: Mention, link_type: str) -> None:
        """Records a relationship between two of this record's mentions."""
        self.links.append({"from": source["ref"], "to": target["ref"], "type": link_type})

    def act(
        self,
        kind: str,
        *,
        agency: str | None = None,
        at: datetime,
        by: str | None,
        rationale: str | None = None,
        about: tuple[Mention, ...] = (),
        approved_by: str | None = None,
        earlier: tuple[tuple[str, str], ...] = (),
    ) -> None:
        """Plans an action on this record, about some of its mentions (and earlier records')."""
        self.actions.append(
            ActionPlan(
                kind=kind,
                agency=agency or self.agency,
                taken_at=at,
                by=by,
                rationale=rationale,
                approved_by=approved_by,
                refs=tuple(mention["ref"] for mention in about),
                earlier=earlier,
            )
        )


Render = Callable[["Scribe"], Draft]


@dataclass(slots=True)
class Planned:
    """A record fixed in advance (by a network or a decoy) for a given day.

    Attributes:
        day: When the event happens; the record is written in that month.
        render: Writes the record, given the month's scribe.
    """

    day: date
    render: Render


class Scribe:
    """Writes records' mentions the way agencies do; one random source per month."""

    def __init__(self, town: Town, rng: random.Random) -> None:
        self.town = town
        self.names = town.names
        self.rng = rng

    # -- records ---------------------------------------------------------------------------

    def draft(
        self,
        agency: str,
        kind: str,
        day: date,
        *,
        role: str | None = None,
        hours: tuple[int, int] = (8, 22),
        delay: tuple[float, float] = (0.5, 30.0),
        vague: float = 0.0,
        occurred: str | None = None,
    ) -> Draft:
        """A new record by a member of `agency` about something on `day`.

        Args:
            agency: Agency that holds the record.
            kind: Record kind.
            day: When the event happened.
            role: Preferred role of the author.
            hours: Hours of the day the event happened between.
            delay: Hours, at least and at most, between the event and its recording.
            vague: Chance the record knows only the month the event happened in.
            occurred: `occurred_on` as written, when the caller decides it.
        """
        rng = self.rng
        happened = moment(rng, day, earliest=hours[0], latest=hours[1])
        recorded = later(rng, happened, min_hours=delay[0], max_hours=delay[1])
        author = self.town.staff_member(rng, agency, role=role)
        if occurred is None:
            occurred = iso_day(day) if vague == 0.0 or rng.random() >= vague else iso_day(day)[:7]
        return Draft(
            agency=agency,
            kind=kind,
            recorded_at=recorded,
            occurred_on=occurred,
            author=author.id,
            local_time=agency == "health" and rng.random() < 0.6,
        )

    def staff(self, agency: str, *, role: str | None = None) -> StaffMember:
        """A member of `agency`'s staff."""
        return self.town.staff_member(self.rng, agency, role=role)

    def attend(self, draft: Draft, agencies: tuple[str, ...], *, chance: float) -> None:
        """Fills a meeting's attendees: its chair (the author) and staff from most `agencies`."""
        present = [draft.author] if draft.author else []
        for agency in agencies:
            if self.rng.random() < chance:
                member = self.staff(agency).id
                if member not in present:
                    present.append(member)
        draft.attendees = present

    def reads(
        self,
        draft: Draft,
        count: int,
        *,
        agencies: tuple[str, ...] | None = None,
        within_days: float = 30.0,
    ) -> None:
        """Adds `count` reads of the record by staff of `agencies` (default its own agency)."""
        rng = self.rng
        for _ in range(count):
            agency = rng.choice(agencies) if agencies else draft.agency
            when = later(rng, draft.recorded_at, min_hours=0.2, max_hours=within_days * 24)
            draft.reads.append((when, self.staff(agency).id))

    # -- mentions --------------------------------------------------------------------------

    def person(
        self,
        draft: Draft,
        person: Person,
        role: str,
        on: date,
        detail: Detail,
        *,
        name: str | None = None,
        description: str | None = None,
        phone: int | None = None,
        address: int | None = None,
    ) -> Mention:
        """A mention of `person` as this agency would write it.

        Args:
            draft: The record.
            person: Who is mentioned.
            role: The mention's role.
            on: Date of the event (for ages).
            detail: How fully the agency records people here.
            name: The name as written, when the caller chose it.
            description: Free-text description.
            phone: Phone index to record instead of the person's own.
            address: Address index to record instead of the person's home.
        """
        rng = self.rng
        town = self.town
        mention: Mention = {
            "type": "person",
            "role": role,
            "name": name or self.names.written(rng, person.first, person.last, care=detail.care),
        }
        if (
            person.aliases
            and mention["name"] not in person.aliases
            and rng.random() < (1.0 - detail.care) * 0.6
        ):
            mention["aliases"] = list(person.aliases)
        if rng.random() < detail.dob:
            mention["dob"] = _noisy_dob(rng, person.dob)
            if rng.random() < 0.3:
                mention["age"] = age_on(person.dob, on)
        elif rng.random() < detail.age:
            mention["age"] = _estimated_age(rng, age_on(person.dob, on))
        if rng.random() < detail.gender:
            mention["gender"] = person.gender
        where = address if address is not None else self._home(person, on)
        if where >= 0 and rng.random() < detail.address:
            place = town.addresses[where]
            mention["address"] = self.written_address(place.line, place.town)
            if rng.random() < 0.8:
                mention["postcode"] = written_postcode(rng, place.postcode)
        carried = phone if phone is not None else person.phone
        if carried >= 0 and rng.random() < detail.phone:
            mention["phone"] = written_phone(rng, town.phones[carried].number)
        if detail.identifier is not None and rng.random() < 0.7:
            identifier = _identifier(detail.identifier, person)
            if identifier is not None:
                mention["identifiers"] = {detail.identifier: identifier}
        if rng.random() < _ETHNICITY_RATE:
            origin = self.names.origin(person.origin)
            mention["ethnicity"] = (
                origin.police_code if draft.agency == "police" else origin.ethnicity
            )
        if rng.random() < _NATIONALITY_RATE:
            mention["nationality"] = person.nationality
        if description:
            mention["description"] = description
        return draft.add(mention, person.entity_id, "p")

    def professional(
        self, draft: Draft, member: StaffMember, on: date, *, role: str = "professional"
    ) -> Mention:
        """A mention of a member of staff named in the record, by default as `professional`."""
        person = self.town.people[member.person]
        name = self.names.written(self.rng, person.first, person.last, care=0.75)
        return self.person(
            draft,
            person,
            role,
            on,
            _PROFESSIONAL,
            name=name,
            description=member.role,
        )

    def reported_missing(self, draft: Draft, child: Person, subject: Mention, on: date) -> str:
        """Adds who reported the child missing and returns the narrative's opening.

        A child in a children's home is reported by a residential worker, with the home
        named; a child at home by a parent when there is one.
        """
        if child.care_home >= 0 and age_on(child.dob, on) < 18:
            worker = self.staff("children_social_care", role="Residential Care Worker")
            r = self.professional(draft, worker, on, role="reporter")
            home = self.organisation(draft, child.care_home)
            draft.link(subject, home, "lives_at")
            return (
                f"{subject['name']} has not returned to {home['name']} by the agreed time. "
                f"Reported by {r['name']}."
            )
        parent = self.town.parent_of(child)
        if parent is None:
            return f"{subject['name']} reported missing from home."
        r = self.person(draft, parent, "reporter", on, CASEWORK)
        draft.link(subject, r, "family")
        return f"{subject['name']} did not come home. Reported by {r['name']}."

    def vehicle(
        self,
        draft: Draft,
        index: int,
        *,
        unseen: float = 0.0,
        misread: float = 0.0,
        full: float = 0.7,
    ) -> Mention:
        """A mention of a vehicle; `unseen` and `misread` make the plate partial or wrong."""
        rng = self.rng
        vehicle = self.town.vehicles[index]
        mention: Mention = {
            "type": "vehicle",
            "vrm": written_plate(rng, vehicle.plate, unseen=unseen, misread=misread),
        }
        if rng.random() < full:
            mention["make"] = vehicle.make
            if rng.random() < 0.8:
                mention["model"] = vehicle.model
        if rng.random() < 0.85:
            mention["colour"] = vehicle.colour
        return draft.add(mention, vehicle.entity_id, "v")

    def phone(self, draft: Draft, index: int) -> Mention:
        """A mention of a phone number."""
        number = self.town.phones[index]
        mention: Mention = {"type": "phone", "number": written_phone(self.rng, number.number)}
        return draft.add(mention, number.entity_id, "ph")

    def address(self, draft: Draft, index: int, *, role: str | None = None) -> Mention:
        """A mention of an address as a place (a flat, a hotel, a house searched)."""
        place = self.town.addresses[index]
        mention: Mention = {
            "type": "address",
            "address": self.written_address(place.line, place.town),
        }
        if role is not None:
            mention["role"] = role
        if self.rng.random() < 0.7:
            mention["postcode"] = written_postcode(self.rng, place.postcode)
        return draft.add(mention, place.entity_id, "a")

    def organisation(self, draft: Draft, index: int, *, role: str | None = None) -> Mention:
        """A mention of an organisation, its name as written."""
        rng = self.rng
        organisation = self.town.organisations[index]
        name = organisation.name
        roll = rng.random()
        if roll < 0.05:
            name = f"{name} Ltd"
        elif roll < 0.1:
            name = name.lower()
        elif roll < 0.14:
            name = typo(rng, name)
        elif roll < 0.2 and organisation.org_type == "taxi_firm":
            name = name.rsplit(" ", 1)[0]
        mention: Mention = {"type": "organisation", "name": name, "org_type": organisation.org_type}
        if role is not None:
            mention["role"] = role
        return draft.add(mention, organisation.entity_id, "o")

    def _home(self, person: Person, on: date) -> int:
        # A child in care is recorded at the children's home, not the family home.
        if person.care_home >= 0 and age_on(person.dob, on) < 18:
            return self.town.organisations[person.care_home].address
        return person.home

    def written_address(self, line: str, town: str) -> str:
        """A street address as keyed: sometimes abbreviated, sometimes without the town."""
        rng = self.rng
        if rng.random() < 0.2:
            head, _, suffix = line.rpartition(" ")
            line = f"{head} {_ABBREVIATIONS.get(suffix, suffix)}"
        return f"{line}, {town}" if rng.random() < 0.7 else line


def _noisy_dob(rng: random.Random, dob: date) -> str:
    roll = rng.random()
    if roll < 0.04 and dob.day <= 12 and dob.day != dob.month:
        return iso_day(date(dob.year, dob.day, dob.month))
    if roll < 0.07:
        shifted = dob.year + rng.choice((-1, 1))
        day = min(dob.day, 28) if dob.month == 2 else dob.day
        return iso_day(date(shifted, dob.month, day))
    if roll < 0.09:
        return f"{dob.year:04d}-{dob.month:02d}"
    return iso_day(dob)


def _estimated_age(rng: random.Random, age: int) -> int:
    if age < 18:
        return max(0, age + rng.choice((0, 0, 0, 0, -1, 1)))
    return max(16, age + rng.randint(-2, 2))


def _identifier(kind: str, person: Person) -> str | None:
    if kind == "nhs":
        return nhs_number(person.index)
    if kind == "upn":
        return upn(person.index)
    first_recorded = date(max(2000, person.dob.year + 12), 1, 1)
    return pnc_id(person.index, first_recorded)
