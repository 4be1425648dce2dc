"""The ordinary work of the town's agencies: most of the records.

Volume crime (what police performance was measured on), incidents, routine
intelligence, children who go missing and come home, referrals, case notes,
school absence, health contacts, youth sessions, housing and licensing.
None of it is about exploitation, though some of it looks alike on the surface.

Each kind of record is a function `(scribe, day) -> Draft | None` (None when
the town has nobody who fits); `WORK` weighs how common each kind is.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from vigil.core.scenario.clock import later
from vigil.core.scenario.draft import (
    BRIEF,
    CASEWORK,
    FORMAL,
    LOOSE,
    PATIENT,
    PUPIL,
    SUSPECT,
    Draft,
    Mention,
    Scribe,
)
from vigil.core.scenario.town import Person, StaffMember

Work = Callable[[Scribe, date], Draft | None]


_BURGLARY = {
    "28A": "Burglary in a dwelling",
    "28B": "Attempted burglary in a dwelling",
    "28C": "Distraction burglary",
    "28D": "Attempted distraction burglary",
    "28E": "Burglary - residential, home",
    "28F": "Attempted burglary - residential, home",
    "28G": "Burglary - residential, unconnected building",
    "28H": "Attempted burglary - residential, unconnected building",
}
_DAMAGE = {
    "58A": "Criminal damage to a dwelling",
    "58B": "Criminal damage to a building other than a dwelling",
    "58C": "Criminal damage to a vehicle",
    "58D": "Other criminal damage",
}
_STOLEN = (
    "a laptop and jewellery",
    "a television and a games console",
    "cash and bank cards",
    "a mobile phone and car keys",
    "power tools",
    "two bicycles",
    "a handbag containing a purse",
    "a DVD player and DVDs",
)
_FROM_VEHICLE = (
    "a sat nav",
    "a laptop bag",
    "work tools",
    "the radio",
    "a handbag",
    "loose change",
)
_ENTRY = (
    "forcing the rear door",
    "smashing a kitchen window",
    "walking in through an insecure back door",
    "snapping the euro cylinder lock on the front door",
    "climbing through a first-floor window",
)
_PLACES = (
    "in the town centre",
    "outside a bar on a Saturday night",
    "at the bus station",
    "near the retail park",
    "outside a pub",
    "at a house party",
)
_INJURY_FREE = (
    "pushed and slapped",
    "grabbed by the collar and pushed",
    "kicked once to the leg",
    "punched once, no visible injury",
    "spat at and shoved",
)
_MISSING_FOUND = (
    "was found at a friend's house nearby",
    "returned home of {their} own accord",
    "was found at the park with school friends",
    "had stayed at a cousin's and forgot to tell anyone",
    "was located by officers at a friend's address",
    "came home when {their} phone battery was charged again",
)
_REFERRAL_REASONS = (
    ("school", "concerns about neglect: arriving hungry and in unwashed uniform"),
    ("school", "an unexplained bruise to the arm"),
    ("health visitor", "concerns about home conditions"),
    ("police", "a domestic incident at the home witnessed by the child"),
    ("neighbour", "children left home alone in the evening"),
    ("GP", "parental alcohol misuse affecting care"),
    ("school", "a disclosure of arguments and shouting at home"),
)
_REFERRAL_OUTCOMES = (
    ("no_further_action", "Threshold for social care not met; signposted to Early Help."),
    ("no_further_action", "Concerns addressed by parents; no further action."),
    ("safeguarding_plan", "Child in need plan agreed with family."),
    ("referral_made", "Referred to Early Help for family support."),
    ("closed", "Single assessment completed; case closed."),
)
_HEALTH_CONTACTS = (
    (
        "Emergency Department attendance",
        "attended with a sprained ankle after a fall; discharged with advice",
    ),
    ("Emergency Department attendance", "attended with a cut hand needing glue; discharged"),
    ("GP consultation", "seen for a chest infection; antibiotics prescribed"),
    ("GP consultation", "seen for a review of asthma; inhaler technique checked"),
    ("School nurse contact", "seen for routine height and weight check"),
    ("School nurse contact", "attended drop-in about hay fever"),
    ("Emergency Department attendance", "attended after a football injury; X-ray clear"),
)
_YOUTH_SESSIONS = (
    "Detached session at the skate park",
    "Open-access youth club evening",
    "Summer activity programme: day trip",
    "Football session at the leisure centre",
    "Music workshop",
    "Duke of Edinburgh award expedition planning",
)
_HOUSING = (
    ("Repair request", "reported a leaking roof above the back bedroom; repair raised"),
    ("Rent arrears", "was contacted about rent arrears; repayment plan agreed"),
    ("Tenancy sign-up", "signed up for a new tenancy"),
    ("Gas safety check", "allowed access for the annual gas safety check"),
)
_NOISE = (
    "loud music late at night",
    "dogs barking through the day",
    "shouting and slamming doors",
    "parties at weekends",
)


def burglary(s: Scribe, day: date, who: Person | None = None) -> Draft | None:
    """A residential burglary, its victim (`who`, or anyone) and sometimes a suspect."""
    rng = s.rng
    victim = who or s.town.aged(rng, day, 20, 85)
    if victim is None:
        return None
    draft = s.draft("police", "crime", day, role="Police Constable", delay=(1, 30))
    draft.offence = rng.choice(tuple(_BURGLARY))
    draft.title = _BURGLARY[draft.offence]
    draft.sensitivity = "official"
    v = s.person(draft, victim, "victim", day, FORMAL)
    where = f" at {v['address']}" if "address" in v else ""
    draft.text = (
        f"Victim {v['name']} reports that offenders gained entry{where} by "
        f"{rng.choice(_ENTRY)} and stole {rng.choice(_STOLEN)}. "
        "Scenes of crime attended; no forensic opportunities."
    )
    if rng.random() < 0.08:
        suspect = s.town.aged(rng, day, 15, 40)
        if suspect is not None:
            x = s.person(draft, suspect, "suspect", day, SUSPECT)
            draft.text += f" House-to-house enquiries name {x['name']} as seen in the area."
    _volume_crime_outcome(s, draft)
    return draft


def _car_crime(
    s: Scribe, day: date, *, offence: str, title: str, delay: tuple[int, int]
) -> tuple[Draft, Mention, Mention] | None:
    """A crime against a car and its owner: the record, the owner and the car."""
    owner, car = _car_owner(s, day)
    if owner is None or car < 0:
        return None
    draft = s.draft("police", "crime", day, role="Police Constable", delay=delay)
    draft.offence, draft.title, draft.sensitivity = offence, title, "official"
    v = s.person(draft, owner, "victim", day, FORMAL)
    c = s.vehicle(draft, car)
    draft.link(v, c, "owns")
    return draft, v, c


def theft_from_vehicle(s: Scribe, day: date) -> Draft | None:
    """Theft from a parked car: the owner and the car."""
    rng = s.rng
    crime = _car_crime(s, day, offence="45", title="Theft from a motor vehicle", delay=(1, 48))
    if crime is None:
        return None
    draft, v, c = crime
    draft.text = (
        f"{v['name']} left vehicle {c['vrm']} parked overnight. Window smashed and "
        f"{rng.choice(_FROM_VEHICLE)} taken. No witnesses, no CCTV."
    )
    _volume_crime_outcome(s, draft)
    return draft


def theft_of_vehicle(s: Scribe, day: date) -> Draft | None:
    """A stolen car, sometimes found burnt out."""
    rng = s.rng
    crime = _car_crime(s, day, offence="48", title="Theft of a motor vehicle", delay=(1, 24))
    if crime is None:
        return None
    draft, v, c = crime
    ending = rng.choice(
        (
            "Vehicle later found burnt out on waste ground.",
            "Vehicle not recovered.",
            "Vehicle recovered two streets away, ignition damaged.",
        )
    )
    draft.text = f"{v['name']} reports {c['vrm']} taken from outside the home overnight. {ending}"
    _volume_crime_outcome(s, draft)
    return draft


def shoplifting(s: Scribe, day: date) -> Draft | None:
    """Shoplifting reported by a shop, usually with the person detained."""
    rng = s.rng
    shops = s.town.organisations_of("shop")
    draft = s.draft("police", "crime", day, role="Police Constable", delay=(0.5, 12))
    draft.offence, draft.title, draft.sensitivity = "46", "Shoplifting", "official"
    shop = s.organisation(draft, rng.choice(shops), role="victim")
    goods = rng.choice(("alcohol", "meat", "razor blades", "cosmetics", "clothing", "chocolate"))
    draft.text = (
        f"Staff at {shop['name']} report theft of {goods} to the value of £{rng.randint(5, 120)}."
    )
    if rng.random() < 0.5:
        thief = s.town.aged(rng, day, 14, 60)
        if thief is not None:
            x = s.person(draft, thief, "suspect", day, SUSPECT)
            draft.link(x, shop, "seen_at")
            draft.text += (
                f" {x['name']} detained by staff and dealt with by way of a fixed penalty."
            )
    _volume_crime_outcome(s, draft)
    return draft


def criminal_damage(s: Scribe, day: date) -> Draft | None:
    """Criminal damage to a home, another building, a car or other property."""
    rng = s.rng
    code = rng.choice(tuple(_DAMAGE))
    draft = s.draft("police", "crime", day, role="Police Constable", delay=(1, 48))
    draft.offence, draft.title, draft.sensitivity = code, _DAMAGE[code], "official"
    if code == "58C":
        owner, car = _car_owner(s, day)
        if owner is None or car < 0:
            return None
        v = s.person(draft, owner, "victim", day, FORMAL)
        c = s.vehicle(draft, car)
        draft.link(v, c, "owns")
        draft.text = (
            f"Paintwork of {c['vrm']} scratched along both sides overnight. Owner {v['name']}."
        )
    elif code == "58B":
        school = s.organisation(draft, rng.choice(s.town.organisations_of("school")), role="victim")
        draft.text = f"Windows smashed at {school['name']} over the weekend. Caretaker reported."
    else:
        victim = s.town.aged(rng, day, 20, 85)
        if victim is None:
            return None
        v = s.person(draft, victim, "victim", day, FORMAL)
        damage = (
            "front window smashed with a brick" if code == "58A" else "garden fence kicked down"
        )
        draft.text = f"{v['name']} reports {damage}. No suspects."
    if rng.random() < 0.2:
        suspect = s.town.aged(rng, day, 12, 30)
        if suspect is not None:
            x = s.person(draft, suspect, "suspect", day, SUSPECT)
            draft.text = (
                draft.text.replace(" No suspects.", "") + f" {x['name']} named by a witness."
            )
    _volume_crime_outcome(s, draft)
    return draft


def assault(s: Scribe, day: date, who: Person | None = None) -> Draft | None:
    """Common assault without injury on `who` (or anyone), usually in the night-time economy."""
    rng = s.rng
    victim = who or s.town.aged(rng, day, 16, 70)
    if victim is None:
        return None
    draft = s.draft("police", "crime", day, role="Police Constable", hours=(18, 23), delay=(1, 24))
    draft.offence, draft.title, draft.sensitivity = "105A", "Assault without injury", "official"
    v = s.person(draft, victim, "victim", day, FORMAL)
    draft.text = f"{v['name']} was {rng.choice(_INJURY_FREE)} {rng.choice(_PLACES)}."
    if rng.random() < 0.45:
        suspect = s.town.aged(rng, day, 16, 50)
        if suspect is not None:
            x = s.person(draft, suspect, "suspect", day, SUSPECT)
            draft.text += f" Suspect named as {x['name']}."
    if rng.random() < 0.1:
        witness = s.town.aged(rng, day, 18, 70)
        if witness is not None:
            w = s.person(draft, witness, "witness", day, BRIEF)
            draft.text += f" Witness {w['name']} gave a first account."
    _volume_crime_outcome(s, draft)
    return draft


def incident(s: Scribe, day: date) -> Draft | None:
    """Anti-social behaviour, a domestic argument or a collision: logged, no crime."""
    rng = s.rng
    reporter = s.town.aged(rng, day, 25, 85)
    if reporter is None:
        return None
    draft = s.draft("police", "incident", day, hours=(10, 23), delay=(0.2, 6))
    draft.sensitivity = "official"
    r = s.person(draft, reporter, "reporter", day, BRIEF)
    roll = rng.random()
    if roll < 0.5:
        draft.title = "Anti-social behaviour - youths causing annoyance"
        draft.text = (
            f"{r['name']} reports a group of youths kicking a ball against the house and swearing. "
            "Area search made; group had dispersed."
        )
    elif roll < 0.8:
        draft.title = "Domestic - verbal only"
        partner = next(
            (
                p
                for p in s.town.relatives(reporter)
                if p.home == reporter.home
                and p.index != reporter.index
                and abs(p.dob.year - reporter.dob.year) < 12
            ),
            None,
        )
        draft.text = f"Call from {r['name']} reporting an argument at home."
        if partner is not None and rng.random() < 0.6:
            q = s.person(draft, partner, "other", day, BRIEF)
            draft.link(r, q, "family")
            draft.text += f" Spoke to both parties; {q['name']} agreed to stay elsewhere overnight."
        draft.text += " No offences disclosed. DASH risk assessment: standard."
    else:
        draft.title = "Road traffic collision - damage only"
        owner, car = _car_owner(s, day)
        draft.text = f"{r['name']} reports a minor collision at a junction; details exchanged."
        if owner is not None and car >= 0:
            c = s.vehicle(draft, car)
            draft.text += f" Other vehicle {c['vrm']}."
    s.reads(draft, rng.choice((0, 0, 1)))
    return draft


def drugs_intelligence(s: Scribe, day: date) -> Draft | None:
    """Routine intelligence about drug supply from an address or a car."""
    rng = s.rng
    subject = s.town.aged(rng, day, 17, 45)
    if subject is None:
        return None
    draft = s.draft(
        "police", "intelligence", day, role="Intelligence Officer", delay=(2, 240), vague=0.5
    )
    draft.title = "Drug supply"
    draft.sensitivity = "official-sensitive"
    x = s.person(draft, subject, "subject", day, LOOSE)
    draft.text = f"Information received that {x['name']} is supplying cannabis"
    if subject.home >= 0 and rng.random() < 0.5:
        a = s.address(draft, subject.home)
        draft.link(x, a, "lives_at")
        draft.text += f" from {a['address']}"
    car = s.town.car_of.get(subject.index, -1)
    if car >= 0 and rng.random() < 0.4:
        c = s.vehicle(draft, car, unseen=0.3)
        draft.link(x, c, "drove")
        draft.text += f", using vehicle {c['vrm']}"
    draft.text += ". Graded B2. No further development."
    s.reads(draft, rng.choice((0, 1, 1, 2)), within_days=180)
    return draft


def missing_child(s: Scribe, day: date) -> Draft | None:
    """A child reported missing who comes home safe: no adult, no car, no pattern."""
    rng = s.rng
    child = s.town.aged(rng, day, 11, 17)
    if child is None:
        return None
    draft = s.draft(
        "police", "missing_episode", day, role="Police Constable", hours=(17, 23), delay=(1, 12)
    )
    draft.title = "Missing person - child"
    draft.sensitivity = "official-sensitive"
    c = s.person(draft, child, "subject", day, CASEWORK)
    draft.text = s.reported_missing(draft, child, c, day)
    found = rng.choice(_MISSING_FOUND).format(their="her" if child.gender == "female" else "his")
    draft.text += (
        f" Missing for {rng.randint(2, 14)} hours; {found}. Safe and well check done, no concerns."
    )
    draft.act(
        "closed",
        at=later(rng, draft.recorded_at, min_hours=2, max_hours=72),
        by=draft.author,
        rationale="Returned safe and well; low risk.",
        about=(c,),
    )
    s.reads(draft, rng.choice((0, 1)))
    return draft


def referral(s: Scribe, day: date) -> Draft | None:
    """A referral to children's social care about an ordinary welfare concern."""
    rng = s.rng
    child = s.town.aged(rng, day, 0, 15)
    if child is None:
        return None
    draft = s.draft("children_social_care", "referral", day, role="Social Worker", delay=(1, 72))
    source, concern = rng.choice(_REFERRAL_REASONS)
    draft.title = f"Referral from {source}"
    draft.sensitivity = "official-sensitive"
    c = s.person(draft, child, "subject", day, CASEWORK)
    draft.text = f"Referral received from {source} regarding {c['name']}: {concern}."
    parent = s.town.parent_of(child)
    if parent is not None and rng.random() < 0.35:
        p = s.person(draft, parent, "other", day, CASEWORK)
        draft.link(c, p, "family")
        draft.text += f" Parent {p['name']} spoken to by phone."
    kind, rationale = rng.choice(_REFERRAL_OUTCOMES)
    manager = s.staff("children_social_care", role="Team Manager")
    draft.act(
        kind,
        at=later(rng, draft.recorded_at, min_hours=24, max_hours=24 * 20),
        by=manager.id,
        rationale=rationale if rng.random() < 0.9 else None,
        about=(c,),
    )
    if source == "police":
        draft.shared_with.append("police")
    s.reads(draft, rng.choice((0, 1, 2)))
    return draft


def case_note(s: Scribe, day: date) -> Draft | None:
    """A social worker's note of a visit to a family already known."""
    rng = s.rng
    child = s.town.aged(rng, day, 0, 17)
    if child is None:
        return None
    draft = s.draft("children_social_care", "case_note", day, role="Social Worker", delay=(2, 120))
    draft.title = rng.choice(("Home visit", "Statutory visit", "Telephone contact", "School visit"))
    draft.sensitivity = "official-sensitive"
    c = s.person(draft, child, "subject", day, CASEWORK)
    draft.text = f"Saw {c['name']}. " + rng.choice(
        (
            "Home conditions adequate. Attending school. No new concerns.",
            "Presented as happy and chatty; showed me their bedroom.",
            "Discussed routines at bedtime with parent; agreed to continue support.",
            "Child quiet but engaged; no concerns raised.",
        )
    )
    s.reads(draft, rng.choice((0, 0, 1)))
    return draft


def school_absence(s: Scribe, day: date) -> Draft | None:
    """Attendance follow-up by the education welfare service."""
    rng = s.rng
    child = s.town.aged(rng, day, 5, 15)
    if child is None:
        return None
    draft = s.draft("education", "other", day, role="Education Welfare Officer", delay=(2, 96))
    draft.title = "Attendance concern"
    draft.sensitivity = "official"
    c = s.person(draft, child, "subject", day, PUPIL)
    school = s.organisation(draft, rng.choice(s.town.organisations_of("school")))
    draft.link(c, school, "attends")
    rate = rng.randint(78, 91)
    draft.text = (
        f"{c['name']} at {school['name']}: attendance {rate}% this term, mostly illness and "
        "family holidays."
    )
    parent = s.town.parent_of(child)
    if parent is not None and rng.random() < 0.2:
        p = s.person(draft, parent, "other", day, BRIEF)
        draft.link(c, p, "family")
        draft.text += f" Letter sent to {p['name']}."
    return draft


def health_contact(s: Scribe, day: date, who: Person | None = None) -> Draft | None:
    """An ordinary health contact (A&E, GP, school nurse) for `who` or anyone."""
    rng = s.rng
    patient = who or s.town.aged(rng, day, 0, 90)
    if patient is None:
        return None
    draft = s.draft("health", "case_note", day, delay=(0.5, 48))
    draft.title, what = rng.choice(_HEALTH_CONTACTS)
    draft.sensitivity = "official-sensitive"
    p = s.person(draft, patient, "subject", day, PATIENT)
    draft.text = f"{p['name']} {what}."
    return draft


def adult_sexual_health(s: Scribe, day: date) -> Draft | None:
    """A routine sexual health clinic visit by an adult."""
    patient = s.town.aged(s.rng, day, 19, 40)
    if patient is None:
        return None
    draft = s.draft("health", "case_note", day, role="Sexual Health Nurse", delay=(0.5, 24))
    draft.title = "Sexual health clinic attendance"
    draft.sensitivity = "restricted"
    p = s.person(draft, patient, "subject", day, PATIENT)
    draft.text = f"{p['name']} attended for routine screening. Results to follow by text."
    return draft


def youth_session(s: Scribe, day: date, worker: StaffMember | None = None, most: int = 2) -> Draft:
    """A youth work session run by `worker` (or anyone) with up to `most` young people."""
    rng = s.rng
    worker = worker or s.staff("youth_service")
    draft = s.draft("youth_service", "case_note", day, hours=(15, 20), delay=(1, 72))
    draft.author = worker.id
    draft.sensitivity = "official"
    w = s.professional(draft, worker, day)
    names = []
    for _ in range(rng.randint(1, most)):
        young = s.town.aged(rng, day, 11, 18)
        if young is not None:
            y = s.person(draft, young, "other", day, BRIEF)
            draft.link(w, y, "with")
            names.append(y["name"])
    if len(names) == 1 and rng.random() < 0.5:
        draft.title = "Mentoring session"
        draft.text = (
            f"One-to-one mentoring with {names[0]} at the youth centre, run by {w['name']}. "
            "Talked about college applications and part-time work."
        )
        return draft
    draft.title = rng.choice(_YOUTH_SESSIONS)
    attended = ", ".join(names) if names else "regulars"
    draft.text = f"Session run by {w['name']}. Attended: {attended}. Good engagement, no issues."
    return draft


def housing(s: Scribe, day: date, who: Person | None = None) -> Draft | None:
    """Housing management for `who` or anyone: repairs, arrears, tenancy, noise complaints."""
    rng = s.rng
    tenant = who or s.town.aged(rng, day, 18, 85)
    if tenant is None or tenant.home < 0:
        return None
    if rng.random() < 0.3:
        draft = s.draft(
            "housing", "complaint", day, role="Tenancy Enforcement Officer", delay=(2, 96)
        )
        draft.title = "Noise complaint"
        draft.sensitivity = "official"
        t = s.person(draft, tenant, "reporter", day, FORMAL)
        draft.text = (
            f"{t['name']} complains of {rng.choice(_NOISE)} from next door. Diary sheets issued."
        )
        return draft
    draft = s.draft("housing", "other", day, delay=(1, 96))
    draft.title, what = rng.choice(_HOUSING)
    draft.sensitivity = "official"
    t = s.person(draft, tenant, "subject", day, FORMAL)
    a = s.address(draft, tenant.home)
    draft.link(t, a, "lives_at")
    draft.text = f"Tenant {t['name']} of {a['address']} {what}."
    return draft


def driver_licence(s: Scribe, day: date, firm: int) -> Draft | None:
    """A private hire driver's or vehicle's licence for one of `firm`'s taxis."""
    rng = s.rng
    town = s.town
    cars = town.organisations[firm].vehicles
    if not cars:
        return None
    car = rng.choice(cars)
    driver_index = town.vehicles[car].owner
    if driver_index < 0:
        return None
    driver = town.people[driver_index]
    draft = s.draft("licensing", "other", day, role="Licensing Officer", delay=(2, 240))
    draft.title = rng.choice(
        (
            "Private hire driver licence renewal",
            "Private hire vehicle licence",
            "Private hire driver licence - new application",
        )
    )
    draft.sensitivity = "official"
    d = s.person(draft, driver, "subject", day, FORMAL)
    f = s.organisation(draft, firm)
    c = s.vehicle(draft, car, full=1.0)
    draft.link(d, f, "works_at")
    draft.link(c, f, "operated_by")
    draft.link(d, c, "drove")
    draft.text = (
        f"{d['name']} ({f['name']}), vehicle {c['vrm']}. DBS check returned clear; "
        "medical and knowledge test passed. Licence granted for one year."
    )
    return draft


def licensing(s: Scribe, day: date) -> Draft | None:
    """A taxi driver or vehicle licence, or a premises licence for a takeaway."""
    rng = s.rng
    town = s.town
    if rng.random() < 0.7:
        return driver_licence(s, day, rng.choice(town.organisations_of("taxi_firm")))
    holder = town.aged(rng, day, 25, 60)
    if holder is None:
        return None
    draft = s.draft("licensing", "other", day, role="Licensing Officer", delay=(2, 240))
    draft.title = "Premises licence - late night refreshment"
    draft.sensitivity = "official"
    h = s.person(draft, holder, "subject", day, FORMAL)
    shop = s.organisation(draft, rng.choice(town.organisations_of("takeaway")))
    draft.link(h, shop, "works_at")
    draft.text = (
        f"Application by {h['name']} for late night "
        f"refreshment at {shop['name']} until 02:00. Granted."
    )
    return draft


def child_protection_meeting(s: Scribe, day: date) -> Draft | None:
    """A routine multi-agency meeting about one child's welfare."""
    rng = s.rng
    child = s.town.aged(rng, day, 0, 15)
    if child is None:
        return None
    draft = s.draft(
        "children_social_care", "meeting", day, role="Team Manager", hours=(9, 15), delay=(24, 240)
    )
    draft.title = rng.choice(
        ("Child protection review conference", "Core group meeting", "Child in need review")
    )
    draft.sensitivity = "official-sensitive"
    s.attend(draft, ("education", "health", "police"), chance=0.8)
    c = s.person(draft, child, "subject", day, CASEWORK)
    draft.text = (
        f"Review of plan for {c['name']}. Progress noted on home "
        "conditions and school attendance. Plan continues."
    )
    draft.shared_with = sorted({"education", "health"})
    s.reads(draft, rng.choice((0, 1, 2)), agencies=("education", "health"))
    return draft


WORK: tuple[tuple[float, Work], ...] = (
    (13.0, burglary),
    (8.0, theft_from_vehicle),
    (4.0, theft_of_vehicle),
    (8.0, shoplifting),
    (8.0, criminal_damage),
    (5.0, assault),
    (6.0, incident),
    (3.0, drugs_intelligence),
    (3.0, missing_child),
    (6.0, referral),
    (7.0, case_note),
    (5.0, school_absence),
    (7.0, health_contact),
    (1.0, adult_sexual_health),
    (3.0, youth_session),
    (5.0, housing),
    (2.5, licensing),
    (1.5, child_protection_meeting),
)


def _volume_crime_outcome(s: Scribe, draft: Draft) -> None:
    """What usually happened to a volume crime: filed for want of leads, sometimes solved."""
    rng = s.rng
    suspects: tuple[Mention, ...] = tuple(m for m in draft.mentions if m.get("role") == "suspect")
    opened = later(rng, draft.recorded_at, min_hours=1, max_hours=72)
    draft.act("investigation_opened", at=opened, by=draft.author)
    if suspects and rng.random() < 0.35:
        draft.act(
            "arrest",
            at=later(rng, opened, min_hours=2, max_hours=24 * 14),
            by=s.staff("police").id,
            about=suspects,
        )
        if rng.random() < 0.5:
            draft.act(
                "charge",
                at=later(rng, opened, min_hours=24 * 15, max_hours=24 * 40),
                by=s.staff("police", role="Detective Sergeant").id,
                about=suspects,
            )
    else:
        draft.act(
            "closed",
            at=later(rng, opened, min_hours=24, max_hours=24 * 30),
            by=s.staff("police", role="Detective Sergeant").id,
            rationale="No further lines of enquiry." if rng.random() < 0.9 else None,
        )
    s.reads(draft, rng.choice((0, 1, 1)))


def _car_owner(s: Scribe, day: date) -> tuple[Person | None, int]:
    cars = s.town.vehicles
    for _ in range(6):
        car = cars[s.rng.randrange(len(cars))]
        if (
            car.operator < 0
            and car.owner >= 0
            and car.kind == "background"
            and car.registered <= day
        ):
            owner = s.town.people[car.owner]
            if owner.kind == "background":
                return owner, car.index
    return None, -1
