"""The town: its people, homes, vehicles, phones, organisations and the staff of its agencies.

The population lives in memory (it is people, not records). Families share a
surname and an origin; grown-up children set up homes of their own, so
brothers and cousins in different households are related. Every founder and
every partner gets an origin from the one fixed mixture in `names`.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from vigil.core.scenario.clock import age_on, random_day
from vigil.core.scenario.identifiers import new_mobile, new_plate, new_postcode
from vigil.core.scenario.names import NameBook, Origin, feminine_surname
from vigil.core.scenario.reference import load

AGENCY_CODES = {
    "police": "pol",
    "children_social_care": "csc",
    "youth_service": "yth",
    "health": "hlt",
    "education": "edu",
    "housing": "hsg",
    "licensing": "lic",
}
# (role, team) pairs each agency's staff hold.
_ROLES: dict[str, tuple[tuple[str, str], ...]] = {
    "police": (
        ("Police Constable", "Response"),
        ("Police Constable", "Response"),
        ("Police Constable", "Neighbourhood Policing"),
        ("PCSO", "Neighbourhood Policing"),
        ("Detective Constable", "CID"),
        ("Detective Sergeant", "Public Protection Unit"),
        ("Intelligence Analyst", "Intelligence Unit"),
        ("Intelligence Officer", "Intelligence Unit"),
        ("Missing Persons Coordinator", "Public Protection Unit"),
        ("Inspector", "Response"),
    ),
    "children_social_care": (
        ("Social Worker", "Assessment Team"),
        ("Social Worker", "Child Protection Team"),
        ("Senior Practitioner", "Assessment Team"),
        ("Team Manager", "Referral and Assessment"),
        ("Family Support Worker", "Early Help"),
        ("Residential Care Worker", "Residential Services"),
    ),
    "youth_service": (
        ("Youth Worker", "Detached Youth Work"),
        ("Youth Worker", "Young People's Project"),
        ("Senior Youth Worker", "Young People's Project"),
    ),
    "health": (
        ("School Nurse", "School Nursing"),
        ("Sexual Health Nurse", "Sexual Health Clinic"),
        ("Staff Nurse", "Emergency Department"),
        ("GP", "Primary Care"),
        ("CAMHS Practitioner", "CAMHS"),
        ("Named Nurse for Safeguarding", "Safeguarding"),
    ),
    "education": (
        ("Education Welfare Officer", "Attendance"),
        ("Head of Year", "Pastoral"),
        ("Designated Safeguarding Lead", "Safeguarding"),
        ("Learning Mentor", "Pastoral"),
    ),
    "housing": (
        ("Housing Officer", "Estate Management"),
        ("Tenancy Enforcement Officer", "Anti-social Behaviour"),
        ("Homelessness Officer", "Housing Options"),
    ),
    "licensing": (
        ("Licensing Officer", "Taxi Licensing"),
        ("Licensing Enforcement Officer", "Taxi Licensing"),
        ("Licensing Manager", "Licensing"),
    ),
}
# Staff per agency: a fixed core plus a share that grows with the scale.
_STAFF_SIZE = {
    "police": (10, 4.0),
    "children_social_care": (6, 2.0),
    "youth_service": (4, 0.8),
    "health": (6, 2.0),
    "education": (5, 1.5),
    "housing": (3, 0.7),
    "licensing": (2, 0.3),
}
# Organisations of each type: a fixed core plus a share that grows with the scale.
_ORGANISATION_SIZE = {
    "taxi_firm": (4, 0.6),
    "takeaway": (6, 1.5),
    "hotel": (3, 0.1),
    "school": (4, 0.3),
    "childrens_home": (2, 0.15),
    "shop": (6, 1.0),
}
# Share of people who turn up in records again and again (repeat victims,
# families known to services); they get this share of the draws.
# Who ordinary records may be about: anyone but the children a network is
# exploiting (their records are the network's), and not staff.
ANYONE = frozenset({"background", "perpetrator", "decoy"})
# Who may still be cast as a network member or a decoy.
UNCAST = frozenset({"background"})
_FREQUENT_SHARE = 0.15
_FREQUENT_DRAWS = 0.4
# Some systems record a married woman's own surname; in others she takes her husband's.
_DISTRICTS = ("North", "South", "East", "West", "Central", "Parkside", "Bridge End", "Hilltop")
_KEEPS_OWN_SURNAME = {"pakistani": 0.5, "bangladeshi": 0.5, "kurdish": 0.7, "middle_eastern": 0.7}


@dataclass(slots=True)
class Person:
    """Someone in the town (or a member of an agency's staff).

    Attributes:
        index: Position in `Town.people`; the entity id is derived from it.
        origin: Key of the name origin.
        gender: `female` or `male`.
        first: Given name as the person spells it.
        last: Family name as the person spells it.
        dob: Date of birth.
        home: Index of the home address, or -1 (staff, who are not residents).
        family: Index of the family (relatives share it), or -1.
        nationality: Nationality, recorded on some mentions for statistics.
        phone: Index of the person's own phone, or -1.
        kind: Part in the story: background, perpetrator, victim, decoy, professional.
        aliases: Other names the person goes by.
        care_home: Organisation index of a children's home the person lives in, or -1.
    """

    index: int
    origin: str
    gender: str
    first: str
    last: str
    dob: date
    home: int
    family: int
    nationality: str
    phone: int = -1
    kind: str = "background"
    aliases: tuple[str, ...] = ()
    care_home: int = -1

    @property
    def entity_id(self) -> str:
        """The person's id in truth.json."""
        return f"person-{self.index:06d}"

    @property
    def full_name(self) -> str:
        """Given name and family name."""
        return f"{self.first} {self.last}"


@dataclass(slots=True)
class Address:
    """A place with a street address: a home, a flat, a business."""

    index: int
    line: str
    town: str
    postcode: str
    use: str
    kind: str = "background"

    @property
    def entity_id(self) -> str:
        """The address's id in truth.json."""
        return f"address-{self.index:06d}"

    @property
    def full(self) -> str:
        """Street line and town."""
        return f"{self.line}, {self.town}"


@dataclass(slots=True)
class Vehicle:
    """A registered vehicle; taxis are operated by a firm."""

    index: int
    plate: str
    make: str
    model: str
    colour: str
    registered: date
    owner: int
    operator: int = -1
    kind: str = "background"

    @property
    def entity_id(self) -> str:
        """The vehicle's id in truth.json."""
        return f"vehicle-{self.index:06d}"


@dataclass(slots=True)
class Phone:
    """A mobile phone number (E.164) and who carries it."""

    index: int
    number: str
    owner: int
    kind: str = "background"

    @property
    def entity_id(self) -> str:
        """The phone's id in truth.json."""
        return f"phone-{self.index:06d}"


@dataclass(slots=True)
class Organisation:
    """A business or institution: taxi firm, takeaway, hotel, school, children's home, shop."""

    index: int
    name: str
    org_type: str
    address: int
    kind: str = "background"
    vehicles: list[int] = field(default_factory=list)

    @property
    def entity_id(self) -> str:
        """The organisation's id in truth.json."""
        return f"org-{self.index:05d}"


@dataclass(frozen=True, slots=True)
class StaffMember:
    """A professional: a line of staff.jsonl, and a person who may be named in records."""

    id: str
    person: int
    agency: str
    role: str
    team: str


@dataclass(frozen=True, slots=True)
class Place:
    """A town and its postcode area."""

    name: str
    area: str
    districts: int


class Town:
    """Everyone and everything the records can mention."""

    def __init__(self, names: NameBook, rng: random.Random) -> None:
        reference = load("town.json")
        self.names = names
        self.rng = rng
        self.home = _place(reference["town"])
        self.neighbours = tuple(_place(raw) for raw in reference["neighbours"])
        self.people: list[Person] = []
        self.addresses: list[Address] = []
        self.vehicles: list[Vehicle] = []
        self.phones: list[Phone] = []
        self.organisations: list[Organisation] = []
        self.staff: list[StaffMember] = []
        self.staff_by_agency: dict[str, list[StaffMember]] = {code: [] for code in AGENCY_CODES}
        self.families: list[list[int]] = []
        self.orgs_by_type: dict[str, list[int]] = {}
        self.car_of: dict[int, int] = {}
        self._born: dict[int, list[int]] = {}
        self._numbers: set[str] = set()
        self._lines: set[tuple[str, str]] = set()
        self._streets: tuple[str, ...] = tuple(reference["streets"])
        self._suffixes: tuple[str, ...] = tuple(reference["street_suffixes"])
        self._org_names: dict[str, dict[str, list[str]]] = reference["organisations"]
        self._private_models: tuple[tuple[str, str], ...] = tuple(
            (make, model) for make, model in reference["vehicles"]["private"]
        )
        self._taxi_models: tuple[tuple[str, str], ...] = tuple(
            (make, model) for make, model in reference["vehicles"]["taxi"]
        )
        self.colours: tuple[str, ...] = tuple(reference["vehicles"]["colours"])

    # -- choosing people ------------------------------------------------------------------

    def resident(
        self,
        rng: random.Random,
        born_from: int,
        born_to: int,
        *,
        gender: str | None = None,
        kinds: frozenset[str] = ANYONE,
    ) -> Person | None:
        """A resident born in the given years, favouring people who recur in records.

        Returns None when a few tries find nobody who fits.
        """
        for _ in range(12):
            people = self._born.get(rng.randint(born_from, born_to))
            if not people:
                continue
            if rng.random() < _FREQUENT_DRAWS:
                index = people[rng.randrange(max(1, int(len(people) * _FREQUENT_SHARE)))]
            else:
                index = rng.choice(people)
            person = self.people[index]
            if (gender is None or person.gender == gender) and person.kind in kinds:
                return person
        return None

    def residents_born(self, year: int) -> list[int]:
        """Indexes of the residents born in `year`."""
        return self._born.get(year, [])

    def aged(
        self,
        rng: random.Random,
        on: date,
        youngest: int,
        oldest: int,
        *,
        kinds: frozenset[str] = ANYONE,
    ) -> Person | None:
        """A resident aged `youngest`..`oldest` on `on`, or None when a few tries find none."""
        for _ in range(4):
            person = self.resident(rng, on.year - oldest - 1, on.year - youngest, kinds=kinds)
            if person is not None and youngest <= age_on(person.dob, on) <= oldest:
                return person
        return None

    def staff_member(
        self, rng: random.Random, agency: str, *, role: str | None = None
    ) -> StaffMember:
        """A member of an agency's staff, of the given role when there is one."""
        members = self.staff_by_agency[agency]
        if role is not None:
            for _ in range(8):
                member = rng.choice(members)
                if member.role == role:
                    return member
        return rng.choice(members)

    def organisations_of(self, org_type: str) -> list[int]:
        """Indexes of the organisations of a type."""
        return self.orgs_by_type.get(org_type, [])

    def relatives(self, person: Person) -> Iterator[Person]:
        """Everyone else in the person's family."""
        if person.family < 0:
            return
        for index in self.families[person.family]:
            if index != person.index:
                yield self.people[index]

    def parent_of(self, child: Person) -> Person | None:
        """An adult of the child's household old enough to be a parent, if any."""
        for relative in self.relatives(child):
            if relative.home == child.home and 18 <= child.dob.year - relative.dob.year <= 45:
                return relative
        return None

    # -- making things -------------------------------------------------------------------

    def new_address(self, rng: random.Random, place: Place, use: str, *, flat: bool = False) -> int:
        """A new address in `place`; flats get a flat number."""
        while True:
            street = f"{rng.choice(self._streets)} {rng.choice(self._suffixes)}"
            line = f"{rng.randint(1, 180)} {street}"
            if flat:
                line = f"Flat {rng.randint(1, 24)}, {line}"
            if (line, place.name) not in self._lines:
                break
        self._lines.add((line, place.name))
        postcode = new_postcode(rng, place.area, place.districts)
        self.addresses.append(Address(len(self.addresses), line, place.name, postcode, use))
        return len(self.addresses) - 1

    def new_phone(self, rng: random.Random, owner: int, kind: str = "background") -> int:
        """A new mobile number, unique in the town."""
        number = new_mobile(rng)
        while number in self._numbers:
            number = new_mobile(rng)
        self._numbers.add(number)
        self.phones.append(Phone(len(self.phones), number, owner, kind))
        return len(self.phones) - 1

    def new_vehicle(
        self,
        rng: random.Random,
        owner: int,
        *,
        registered: date,
        operator: int = -1,
        kind: str = "background",
    ) -> int:
        """A new vehicle registered on `registered`; a taxi when it has an operator."""
        make, model = rng.choice(self._taxi_models if operator >= 0 else self._private_models)
        vehicle = Vehicle(
            len(self.vehicles),
            new_plate(rng, registered),
            make,
            model,
            rng.choice(self.colours),
            registered,
            owner,
            operator,
            kind,
        )
        self.vehicles.append(vehicle)
        if operator >= 0:
            self.organisations[operator].vehicles.append(vehicle.index)
        else:
            self.car_of[owner] = vehicle.index
        return vehicle.index

    def new_person(
        self,
        rng: random.Random,
        origin: Origin,
        gender: str,
        last: str,
        born: int,
        *,
        home: int,
        family: int,
    ) -> Person:
        """A new person of `origin` born in year `born`, never bearing an excluded name."""
        first = self.names.given_name(rng, origin, gender)
        while self.names.is_excluded(first, last):
            first = self.names.given_name(rng, origin, gender)
        person = Person(
            index=len(self.people),
            origin=origin.key,
            gender=gender,
            first=first,
            last=last,
            dob=random_day(rng, born, rng.randint(1, 12)),
            home=home,
            family=family,
            nationality=self.names.nationality(rng, origin),
        )
        self.people.append(person)
        if home >= 0:
            self._born.setdefault(born, []).append(person.index)
        if family >= 0:
            self.families[family].append(person.index)
        return person

    # -- building ------------------------------------------------------------------------

    def populate(self, size: int) -> None:
        """Fills the town with families until it holds about `size` people."""
        rng = self.rng
        while len(self.people) < size:
            self._family(rng)
        for year in sorted(self._born):
            # Who recurs in records is a matter of chance, not of who they are.
            rng.shuffle(self._born[year])

    def found_organisations(self, scale: float) -> None:
        """Creates the town's businesses and institutions, and the taxis firms operate."""
        rng = self.rng
        for org_type, (core, per_scale) in _ORGANISATION_SIZE.items():
            used: set[str] = set()
            for _ in range(core + round(per_scale * scale)):
                name = self._organisation_name(rng, org_type, used)
                address = self.new_address(rng, self.home, org_type)
                index = len(self.organisations)
                self.organisations.append(Organisation(index, name, org_type, address))
                self.orgs_by_type.setdefault(org_type, []).append(index)
        for firm in self.organisations_of("taxi_firm"):
            for _ in range(rng.randint(3, 10)):
                self.add_taxi(rng, firm)

    def add_taxi(self, rng: random.Random, firm: int, *, driver: Person | None = None) -> int:
        """A taxi operated by `firm`, driven by `driver` or by a man of working age."""
        if driver is None:
            driver = self.resident(rng, 1950, 1988, gender="male", kinds=UNCAST)
        registered = random_day(rng, rng.randint(1996, 2012), rng.randint(1, 12))
        return self.new_vehicle(
            rng, driver.index if driver else -1, registered=registered, operator=firm
        )

    def hire_staff(self, scale: float) -> None:
        """Creates each agency's staff, named from the same mixture as everyone else."""
        rng = self.rng
        for agency, (core, per_scale) in _STAFF_SIZE.items():
            code = AGENCY_CODES[agency]
            for number in range(1, core + round(per_scale * scale) + 1):
                origin = self.names.sample_origin(rng)
                gender = "female" if rng.random() < 0.55 else "male"
                last = self.names.surname(rng, origin)
                if gender == "female":
                    last = feminine_surname(last, origin.feminine)
                person = self.new_person(
                    rng, origin, gender, last, rng.randint(1950, 1985), home=-1, family=-1
                )
                person.kind = "professional"
                role, team = rng.choice(_ROLES[agency])
                member = StaffMember(f"{code}-{number:04d}", person.index, agency, role, team)
                self.staff.append(member)
                self.staff_by_agency[agency].append(member)

    def _organisation_name(self, rng: random.Random, org_type: str, used: set[str]) -> str:
        names = self._org_names[org_type]
        name = rng.choice(names["forms"]).format(rng.choice(names["stems"]))
        # Big towns run out of stems: branches are told apart by district.
        while name in used:
            name = rng.choice(names["forms"]).format(rng.choice(names["stems"]))
            if name in used:
                name = f"{name} {rng.choice(_DISTRICTS)}"
        used.add(name)
        return name

    def _family(self, rng: random.Random) -> None:
        origin = self.names.sample_origin(rng)
        surname = self.names.surname(rng, origin)
        family = len(self.families)
        self.families.append([])
        elders_born = rng.randint(1928, 1966)
        home = self.new_address(rng, self._home_place(rng), "home")
        self._couple(rng, origin, surname, elders_born, home, family)
        for _ in range(rng.choices((0, 1, 2, 3, 4, 5), (8, 16, 30, 24, 14, 8))[0]):
            born = elders_born + rng.randint(19, 38)
            if born > 2012:
                continue
            gender = "female" if rng.random() < 0.5 else "male"
            if born <= 1990 and rng.random() < 0.6:
                self._household(rng, origin, surname, gender, born, family)
            else:
                last = feminine_surname(surname, origin.feminine) if gender == "female" else surname
                self.new_person(rng, origin, gender, last, born, home=home, family=family)

    def _couple(
        self, rng: random.Random, origin: Origin, surname: str, born: int, home: int, family: int
    ) -> None:
        self.new_person(rng, origin, "male", surname, born, home=home, family=family)
        if rng.random() < 0.85:
            self._wife(rng, origin, surname, born + rng.randint(-6, 3), home, family)

    def _household(
        self,
        rng: random.Random,
        origin: Origin,
        surname: str,
        gender: str,
        born: int,
        family: int,
    ) -> None:
        """A grown-up child's own home, with a partner and children."""
        home = self.new_address(rng, self._home_place(rng), "home")
        if gender == "male":
            self.new_person(rng, origin, "male", surname, born, home=home, family=family)
            if rng.random() < 0.8:
                partner = origin if rng.random() < 0.85 else self.names.sample_origin(rng)
                self._wife(rng, partner, surname, born + rng.randint(-6, 3), home, family)
            children_surname, children_origin = surname, origin
        else:
            partner = origin if rng.random() < 0.85 else self.names.sample_origin(rng)
            children_surname = self.names.surname(rng, partner)
            children_origin = partner
            own = feminine_surname(surname, origin.feminine)
            married = feminine_surname(children_surname, origin.feminine)
            last = own if rng.random() < _KEEPS_OWN_SURNAME.get(origin.key, 0.2) else married
            self.new_person(rng, origin, "female", last, born, home=home, family=family)
            if rng.random() < 0.75:
                self.new_person(
                    rng,
                    partner,
                    "male",
                    children_surname,
                    born + rng.randint(-2, 7),
                    home=home,
                    family=family,
                )
        for _ in range(rng.choices((0, 1, 2, 3, 4), (12, 22, 34, 20, 12))[0]):
            child_born = born + rng.randint(18, 38)
            if child_born > 2012:
                continue
            child_gender = "female" if rng.random() < 0.5 else "male"
            last = (
                feminine_surname(children_surname, children_origin.feminine)
                if child_gender == "female"
                else children_surname
            )
            self.new_person(
                rng, children_origin, child_gender, last, child_born, home=home, family=family
            )

    def _wife(
        self, rng: random.Random, origin: Origin, surname: str, born: int, home: int, family: int
    ) -> None:
        if rng.random() < _KEEPS_OWN_SURNAME.get(origin.key, 0.2):
            last = self.names.surname(rng, origin)
        else:
            last = surname
        last = feminine_surname(last, origin.feminine)
        self.new_person(rng, origin, "female", last, born, home=home, family=family)

    def _home_place(self, rng: random.Random) -> Place:
        # A few families live over the border in a neighbouring town.
        return self.home if rng.random() < 0.93 else rng.choice(self.neighbours)

    def give_phones_and_cars(self) -> None:
        """Gives adults (and older children) phones, and some households a car."""
        rng = self.rng
        for person in self.people:
            if person.home < 0:
                continue
            if person.dob.year <= 1995 and rng.random() < 0.7:
                person.phone = self.new_phone(rng, person.index)
            if person.dob.year <= 1990 and rng.random() < 0.35:
                registered = random_day(rng, rng.randint(1990, 2010), rng.randint(1, 12))
                self.new_vehicle(rng, person.index, registered=registered)


def build_town(names: NameBook, seed: int, scale: float) -> Town:
    """The town for a seed and scale: people, organisations, phones, cars and staff.

    Args:
        names: The name lists.
        seed: The scenario seed.
        scale: 1.0 is a town whose records number about 3,000.
    """
    town = Town(names, random.Random(f"{seed}/town"))
    town.populate(int(400 + 1000 * scale))
    town.give_phones_and_cars()
    town.found_organisations(scale)
    town.hire_staff(scale)
    return town


def _place(raw: dict[str, object]) -> Place:
    return Place(str(raw["name"]), str(raw["area"]), int(str(raw["districts"])))
