"""The trail of records a network leaves: warning signs that were rarely joined up.

Missing episodes, sightings in cars with older males, intoxication,
sexual-health contacts, school absence, self-harm, children arrested as
offenders, disclosures closed with no further action, meetings where the men
were named and nothing followed, and for some networks a prosecution years
later. Each record is a `Render` planned for a day; when written it is
reported back to its network (`Network.note`) for truth.json.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from vigil.core.scenario.clock import add_months, age_on, day_between, later
from vigil.core.scenario.draft import (
    ARRESTED,
    CASEWORK,
    FORMAL,
    LOOSE,
    PATIENT,
    PUPIL,
    Draft,
    Mention,
    Planned,
    Render,
    Scribe,
)
from vigil.core.scenario.town import Person

if TYPE_CHECKING:
    from vigil.core.scenario.networks import Network, Victim

# Home Office codes of the sexual offences a disclosure is recorded under.
SEXUAL_OFFENCES = {
    "22B": "Sexual activity involving a child under 16",
    "71": "Abuse of children through sexual exploitation",
    "19D": "Rape of a female child under 16",
    "19E": "Rape of a female child under 13",
    "19G": "Rape of a male child under 16",
    "19H": "Rape of a male child under 13",
    "21": "Sexual activity involving a child under 13",
    "88A": "Sexual grooming",
    "13": "Child abduction",
    "36": "Kidnapping",
    "72": "Trafficking for sexual exploitation",
}
_NFA_RATIONALES = (
    "Appears consensual.",
    "Relationship appears consensual; victim declined to make a statement.",
    "Victim not willing to support a prosecution.",
    "Insufficient evidence to proceed.",
    "Victim's account inconsistent; no further action.",
    "Lifestyle choice; no further police action.",
    None,
    None,
)


def plan_concerns(rng: random.Random, network: Network) -> None:
    """Plans the records the network's activity will cause, adding them to `network.plans`."""
    plans = network.plans

    def plan(day: date, render: Render) -> None:
        plans.append(Planned(day, render))

    for victim in network.victims:

        def days(count: int, victim: Victim = victim) -> list[date]:
            return sorted(day_between(rng, victim.groomed_from, victim.until) for _ in range(count))

        for number, day in enumerate(days(rng.randint(2, 8))):
            plan(day, _missing(network, victim, day, number))
        for day in days(rng.randint(0, 3)):
            plan(day, _sighting(network, victim, day))
        for day in days(rng.randint(0, 2)):
            plan(day, _sexual_health(network, victim, day))
        for day in days(rng.choice((0, 0, 1, 2))):
            plan(day, _emergency(network, victim, day))
        for day in days(rng.randint(0, 2)):
            if age_on(victim.person.dob, day) < 16:
                plan(day, _absence(network, victim, day))
        for day in days(1 if rng.random() < 0.7 else 0):
            plan(day, _referral(network, victim, day))
        for day in days(rng.randint(0, 3)):
            plan(day, _case_note(network, victim, day))
        for day in days(rng.choice((0, 0, 0, 1, 2))):
            plan(day, _child_arrested(network, victim, day))
        for day in days(1 if rng.random() < 0.4 else 0):
            plan(day, _disclosure(network, victim, day))
    span = (network.start, network.end)
    for _ in range(rng.randint(1, 4)):
        day = day_between(rng, *span)
        plan(day, _intelligence(network, day))
    meetings_from = min(add_months(network.start, 6), network.end)
    for _ in range(rng.randint(1, 3)):
        day = day_between(rng, meetings_from, network.end)
        plan(day, _meeting(network, day))
    if rng.random() < 0.4:
        day = day_between(rng, *span)
        plan(day, _licensing_complaint(network, day))
    for _ in range(rng.randint(1, 2)):
        victim = rng.choice(network.victims)
        day = day_between(rng, victim.groomed_from, victim.until)
        plan(day, _out_of_town(network, victim, day))
    if network.outcome is not None:
        kind, day = network.outcome
        # Investigations ran for months, convictions came well over a year after they began.
        lead_months = {"conviction": 26, "charge": 16, "arrest": 6}[kind]
        opened = max(add_months(day, -lead_months), network.end + timedelta(days=1))
        plan(opened, _prosecution(network, opened, day))


def _man(s: Scribe, draft: Draft, network: Network, man: Person, day: date, role: str) -> Mention:
    """One of the men as a record names him: often a first name, a nickname or an alias."""
    rng = s.rng
    name = None
    if man.aliases and rng.random() < 0.2:
        name = man.aliases[0]
    phone = network.phone_of(man, day)
    return s.person(draft, man, role, day, LOOSE, name=name, phone=phone)


def _car(
    s: Scribe, draft: Draft, network: Network, man: Person, driver: Mention
) -> tuple[Mention | None, str]:
    """The man's car or taxi as a witness saw it (plate often partial or misread).

    Returns:
        The vehicle's mention (None when he has no car) and how the narrative describes it.
    """
    vehicle = network.car_of.get(man.index)
    if vehicle is None:
        return None, "a car"
    v = s.vehicle(draft, vehicle, unseen=0.5, misread=0.12)
    draft.link(driver, v, "drove")
    operator = s.town.vehicles[vehicle].operator
    if operator >= 0 and s.rng.random() < 0.5:
        firm = s.organisation(draft, operator)
        draft.link(v, firm, "operated_by")
        return v, f"{_describe(v)}, a {firm['name']} taxi"
    return v, _describe(v)


def _child(s: Scribe, draft: Draft, victim: Victim, day: date, role: str = "subject") -> Mention:
    return s.person(draft, victim.person, role, day, CASEWORK)


def _describe(v: Mention | None) -> str:
    """A vehicle as a narrative puts it: `a silver Vauxhall Astra (YB02 K??)`."""
    if v is None:
        return "a car"
    words = [word for word in (v.get("colour"), v.get("make"), v.get("model")) if word]
    if "make" not in v:
        words.append("car")
    article = "an" if words[0][0].lower() in "aeiou" else "a"
    return f"{article} {' '.join(words)} ({v['vrm']})"


def _missing(network: Network, victim: Victim, day: date, number: int) -> Render:
    def render(s: Scribe) -> Draft:
        rng = s.rng
        draft = s.draft(
            "police", "missing_episode", day, role="Police Constable", hours=(16, 23), delay=(1, 14)
        )
        draft.title = "Missing person - child" if rng.random() < 0.7 else "Absent - child"
        draft.sensitivity = "official-sensitive"
        draft.network = network.key
        c = _child(s, draft, victim, day)
        child = victim.person
        draft.text = s.reported_missing(draft, child, c, day)
        she = _Pronouns(child)
        if number > 1:
            draft.text += (
                f" This is at least the {_ordinal(number + 1)} "
                f"time {she.she} has been missing recently."
            )
        hours = rng.randint(5, 40)
        draft.text += f" Missing for {hours} hours."
        seen = rng.random()
        men: tuple[Mention, ...] = ()
        if seen < 0.35:
            man = _man(s, draft, network, victim.boyfriend, day, "associate")
            men = (man,)
            draft.link(c, man, "seen_with")
            car, described = _car(s, draft, network, victim.boyfriend, man)
            if car is not None:
                draft.link(c, car, "passenger")
                draft.text += f" Returned by an older male, {man['name']}, in {described}."
            else:
                draft.text += f" Found in the company of an older male, {man['name']}."
            draft.text += (
                " Male not spoken to."
                if rng.random() < 0.6
                else " Male said he was a family friend."
            )
        elif seen < 0.5:
            v = (
                s.vehicle(draft, rng.choice(network.vehicles), unseen=0.6, misread=0.15)
                if network.vehicles
                else None
            )
            if v is not None:
                draft.link(c, v, "passenger")
            draft.text += f" Friends say {she.she} got into {_describe(v)} with older men."
        elif seen < 0.6:
            flat = s.address(draft, network.flats[0], role="other")
            draft.link(c, flat, "seen_at")
            draft.text += (
                f" Located by officers at {flat['address']}, "
                "where several adult males were present."
            )
        if rng.random() < 0.4:
            draft.text += f" Appeared drunk on return and would not say where {she.she} had been."
        else:
            draft.text += " Refused to engage on return."
        draft.act(
            "no_further_action" if men else "closed",
            at=later(rng, draft.recorded_at, min_hours=4, max_hours=96),
            by=draft.author,
            rationale=rng.choice(
                ("Returned; no offences disclosed.", "Low risk; regular missing.", None)
            ),
            about=(c, *men),
        )
        if men and rng.random() < 0.15:
            # The one disruption tool officers did use: a child abduction warning notice.
            draft.act(
                "disruption_notice",
                at=later(rng, draft.recorded_at, min_hours=24, max_hours=24 * 30),
                by=s.staff("police").id,
                rationale="Child abduction warning notice served.",
                about=men,
            )
        if rng.random() < 0.3:
            draft.shared_with.append("children_social_care")
        s.reads(draft, rng.choice((0, 1, 1, 2)))
        return draft

    return render


def _sighting(network: Network, victim: Victim, day: date) -> Render:
    def render(s: Scribe) -> Draft:
        rng = s.rng
        agency = rng.choice(("police", "police", "youth_service"))
        kind = "intelligence" if agency == "police" else "referral"
        draft = s.draft(
            agency,
            kind,
            day,
            role="Intelligence Officer" if agency == "police" else None,
            delay=(4, 24 * 20),
            vague=0.3,
        )
        draft.title = rng.choice(
            (
                "Child seen in car with older males",
                "Girl getting into cars after school",
                "Concern: young person with adult males",
            )
        )
        draft.sensitivity = "official-sensitive"
        draft.network = network.key
        c = _child(s, draft, victim, day)
        men = rng.sample(network.adults, k=min(len(network.adults), rng.randint(1, 2)))
        mentions = [_man(s, draft, network, man, day, "associate") for man in men]
        for m in mentions:
            draft.link(c, m, "seen_with")
        car, described = _car(s, draft, network, men[0], mentions[0])
        if car is not None:
            draft.link(c, car, "passenger")
        where = ""
        if rng.random() < 0.5:
            place = victim.person.care_home if victim.person.care_home >= 0 else victim.school
            o = s.organisation(draft, place)
            draft.link(c, o, "seen_at")
            where = f" outside {o['name']}"
        named = " and ".join(m["name"] for m in mentions)
        she = _Pronouns(victim.person)
        draft.text = (
            f"{c['name']} was seen{where} getting into {described} with older males, "
            f"named locally as {named}. {she.She} appeared to know them well and had new "
            "clothes and a new phone."
        )
        if agency == "youth_service":
            draft.shared_with.append("police")
            draft.text += " Passed to police."
            s.reads(draft, rng.randint(0, 2), agencies=("police",), within_days=60)
        # Intelligence about the network was read, again and again, and nothing done.
        s.reads(draft, rng.randint(1, 5), agencies=("police",), within_days=900)
        return draft

    return render


def _sexual_health(network: Network, victim: Victim, day: date) -> Render:
    def render(s: Scribe) -> Draft:
        rng = s.rng
        draft = s.draft("health", "case_note", day, role="Sexual Health Nurse", delay=(0.5, 24))
        draft.title = rng.choice(
            ("Sexual health clinic attendance", "Request for emergency contraception")
        )
        draft.sensitivity = "restricted"
        draft.network = network.key
        c = s.person(draft, victim.person, "subject", day, PATIENT)
        age = age_on(victim.person.dob, day)
        draft.text = f"{c['name']} (aged {age}) attended requesting emergency contraception."
        if rng.random() < 0.6:
            man = _man(s, draft, network, victim.boyfriend, day, "associate")
            draft.link(c, man, "with")
            draft.text += (
                f" States partner is '{man['name']}', aged "
                f"about {age_on(victim.boyfriend.dob, day)}."
            )
            phone = network.phone_of(victim.boyfriend, day)
            if phone >= 0 and rng.random() < 0.5:
                number = s.phone(draft, phone)
                draft.link(man, number, "uses_phone")
                draft.text += (
                    f" His number is stored in {_Pronouns(victim.person).his} "
                    f"phone as {number['number']}."
                )
        else:
            draft.text += " Would not discuss partner."
        if rng.random() < 0.5:
            draft.text += " Fraser guidelines considered. Safeguarding discussed."
            if rng.random() < 0.4:
                draft.shared_with.append("children_social_care")
        return draft

    return render


def _emergency(network: Network, victim: Victim, day: date) -> Render:
    def render(s: Scribe) -> Draft:
        rng = s.rng
        draft = s.draft(
            "health", "case_note", day, role="Staff Nurse", hours=(0, 23), delay=(0.5, 12)
        )
        draft.sensitivity = "official-sensitive"
        draft.network = network.key
        c = s.person(draft, victim.person, "subject", day, PATIENT)
        if rng.random() < 0.5:
            draft.title = "Emergency Department attendance - intoxication"
            draft.text = (
                f"{c['name']} brought in by ambulance heavily intoxicated, found in the street."
            )
            if rng.random() < 0.4:
                draft.text += (
                    f" Said {_Pronouns(victim.person).she} had been drinking vodka with older "
                    "friends in a car."
                )
        else:
            draft.title = "Emergency Department attendance - self-harm"
            draft.text = (
                f"{c['name']} attended following self-harm, superficial cuts to both forearms."
            )
        draft.text += " Discharged to carer."
        if rng.random() < 0.5:
            draft.shared_with.append("children_social_care")
        return draft

    return render


def _absence(network: Network, victim: Victim, day: date) -> Render:
    def render(s: Scribe) -> Draft:
        rng = s.rng
        draft = s.draft("education", "other", day, role="Education Welfare Officer", delay=(2, 96))
        draft.title = "Attendance concern"
        draft.sensitivity = "official"
        draft.network = network.key
        c = s.person(draft, victim.person, "subject", day, PUPIL)
        school = s.organisation(draft, victim.school)
        draft.link(c, school, "attends")
        draft.text = (
            f"{c['name']} at {school['name']}: attendance {rng.randint(35, 70)}% this half term, "
            "mostly unauthorised. Leaves at lunchtime and does not return."
        )
        if rng.random() < 0.4 and network.vehicles:
            v = s.vehicle(draft, rng.choice(network.vehicles), unseen=0.7)
            draft.link(c, v, "passenger")
            draft.text += (
                f" Staff have seen {_Pronouns(victim.person).her} collected at the gates by older "
                f"males in {_describe(v)}."
            )
            draft.shared_with.append("children_social_care")
        return draft

    return render


def _referral(network: Network, victim: Victim, day: date) -> Render:
    def render(s: Scribe) -> Draft:
        rng = s.rng
        draft = s.draft(
            "children_social_care", "referral", day, role="Social Worker", delay=(1, 72)
        )
        draft.title = "Referral - concerns of sexual exploitation"
        draft.sensitivity = "official-sensitive"
        draft.network = network.key
        c = _child(s, draft, victim, day)
        draft.text = (
            f"Referral regarding {c['name']}: repeatedly missing overnight, returning drunk, "
            "has an older 'boyfriend'"
        )
        if rng.random() < 0.6:
            man = _man(s, draft, network, victim.boyfriend, day, "associate")
            draft.link(c, man, "associate")
            draft.text += f" known as {man['name']}"
        draft.text += "."
        manager = s.staff("children_social_care", role="Team Manager")
        roll = rng.random()
        at = later(rng, draft.recorded_at, min_hours=24, max_hours=24 * 21)
        if roll < 0.55:
            draft.act(
                "no_further_action",
                at=at,
                by=manager.id,
                about=(c,),
                rationale=rng.choice(
                    (
                        "Young person says the relationship is consensual.",
                        "Does not meet threshold; young person making their own choices.",
                        None,
                    )
                ),
            )
        elif roll < 0.85:
            draft.act(
                "safeguarding_plan",
                at=at,
                by=manager.id,
                about=(c,),
                rationale="Child in need plan; keep safe work.",
            )
        else:
            draft.act("strategy_meeting", at=at, by=manager.id, about=(c,))
        s.reads(draft, rng.randint(0, 3))
        return draft

    return render


def _case_note(network: Network, victim: Victim, day: date) -> Render:
    def render(s: Scribe) -> Draft:
        rng = s.rng
        draft = s.draft(
            "children_social_care", "case_note", day, role="Social Worker", delay=(2, 200)
        )
        draft.title = rng.choice(("Home visit", "Keep safe session", "Statutory visit"))
        draft.sensitivity = "official-sensitive"
        draft.network = network.key
        c = _child(s, draft, victim, day)
        she = _Pronouns(victim.person)
        draft.text = f"Saw {c['name']}. " + rng.choice(
            (
                "Has a new phone and expensive clothes; says they were gifts.",
                "Talks about being taken for meals and driven around by older friends.",
                f"Tired and withdrawn; says {she.she} is fine and does not want to talk.",
                f"Carer reports {she.she} is picked up by cars late at night.",
            )
        )
        roll = rng.random()
        if roll < 0.45:
            man = _man(s, draft, network, victim.boyfriend, day, "associate")
            draft.link(c, man, "associate")
            draft.text += f" Mentions {man['name']} a lot."
        elif roll < 0.6:
            shop = s.organisation(draft, network.takeaway)
            draft.link(c, shop, "seen_at")
            draft.text += f" Hangs around {shop['name']} after dark."
        return draft

    return render


def _child_arrested(network: Network, victim: Victim, day: date) -> Render:
    """The child recorded as the offender, while what was done to her is not recorded."""

    def render(s: Scribe) -> Draft:
        rng = s.rng
        draft = s.draft(
            "police", "crime", day, role="Police Constable", hours=(19, 23), delay=(1, 12)
        )
        draft.sensitivity = "official"
        draft.network = network.key
        offence = rng.random()
        c = s.person(draft, victim.person, "suspect", day, ARRESTED)
        if offence < 0.45:
            draft.title = "Drunk and disorderly"
            draft.text = (
                f"{c['name']} arrested for being drunk and disorderly in the street at night."
            )
        elif offence < 0.8:
            draft.title = "Breach of the peace"
            draft.text = (
                f"{c['name']} arrested to prevent a breach "
                "of the peace after shouting and swearing."
            )
        else:
            draft.offence, draft.title = (
                "58B",
                "Criminal damage to a building other than a dwelling",
            )
            draft.text = f"{c['name']} smashed windows after being refused entry late at night."
        if rng.random() < 0.5:
            shop = s.organisation(draft, network.takeaway)
            draft.link(c, shop, "seen_at")
            draft.text += f" Incident outside {shop['name']}."
        draft.text += (
            f" {_Pronouns(victim.person).She} had been in the company of older males, who left "
            "before officers arrived."
        )
        draft.act(
            "arrest",
            at=later(rng, draft.recorded_at, min_hours=0.1, max_hours=1),
            by=draft.author,
            about=(c,),
        )
        draft.act(
            "closed",
            at=later(rng, draft.recorded_at, min_hours=24, max_hours=24 * 30),
            by=s.staff("police", role="Detective Sergeant").id,
            rationale=rng.choice(("Reprimand issued.", "Final warning.", "Fixed penalty notice.")),
        )
        return draft

    return render


def _disclosure(network: Network, victim: Victim, day: date) -> Render:
    def render(s: Scribe) -> Draft:
        rng = s.rng
        # Disclosures often cannot place the abuse more closely than a month.
        draft = s.draft(
            "police", "crime", day, role="Detective Constable", delay=(1, 72), vague=0.3
        )
        age = age_on(victim.person.dob, day)
        codes = ["22B", "71", "88A", "13", "36", "72"]
        female = victim.person.gender == "female"
        codes += ["19D", "19D"] if female else ["19G"]
        if age < 13:
            codes += ["21", "19E" if female else "19H"]
        draft.offence = rng.choice(codes)
        draft.title = SEXUAL_OFFENCES[draft.offence]
        draft.sensitivity = "official-sensitive"
        draft.network = network.key
        c = s.person(draft, victim.person, "victim", day, FORMAL)
        man = _man(s, draft, network, victim.boyfriend, day, "suspect")
        draft.link(c, man, "with")
        flat = s.address(draft, rng.choice(network.flats), role="other")
        draft.link(man, flat, "seen_at")
        she = _Pronouns(victim.person)
        draft.text = (
            f"{c['name']} (aged {age}) disclosed that {man['name']}, whom {she.she} calls "
            f"{she.his} boyfriend, took {she.her} to {flat['address']} and had sex with {she.her}. "
            f"{she.She} said others were there."
        )
        opened = later(rng, draft.recorded_at, min_hours=2, max_hours=72)
        draft.act("investigation_opened", at=opened, by=draft.author)
        draft.act(
            "no_further_action",
            at=later(rng, opened, min_hours=24 * 3, max_hours=24 * 60),
            by=s.staff("police", role="Detective Sergeant").id,
            rationale=rng.choice(_NFA_RATIONALES),
            about=(c, man),
            approved_by=s.staff("police", role="Inspector").id if rng.random() < 0.5 else None,
        )
        draft.shared_with.append("children_social_care")
        s.reads(
            draft, rng.randint(1, 4), agencies=("police", "children_social_care"), within_days=400
        )
        return draft

    return render


def _intelligence(network: Network, day: date) -> Render:
    def render(s: Scribe) -> Draft:
        rng = s.rng
        draft = s.draft(
            "police",
            "intelligence",
            day,
            role="Intelligence Officer",
            delay=(24, 24 * 30),
            vague=0.6,
        )
        draft.title = rng.choice(
            (
                "Males giving girls lifts and alcohol",
                "Possible CSE - takeaway",
                "Taxi drivers and young girls",
            )
        )
        draft.sensitivity = "official-sensitive"
        draft.network = network.key
        men = rng.sample(network.adults, k=min(len(network.adults), rng.randint(2, 4)))
        mentions = [_man(s, draft, network, man, day, "subject") for man in men]
        for a, b in itertools.pairwise(mentions):
            draft.link(a, b, "associate")
        shop = s.organisation(draft, network.takeaway)
        for m in mentions:
            draft.link(m, shop, "seen_at")
        draft.text = (
            f"Source reports that {_listed(mentions)} hang around "
            f"{shop['name']} and give young girls lifts, cigarettes and alcohol."
        )
        car, described = _car(s, draft, network, men[0], mentions[0])
        if car is not None:
            draft.text += f" {mentions[0]['name']} drives {described}."
        if rng.random() < 0.6:
            flat = s.address(draft, rng.choice(network.flats), role="other")
            draft.text += f" Girls are taken to {flat['address']}."
        phone = network.phone_of(men[0], day)
        if phone >= 0 and rng.random() < 0.5:
            number = s.phone(draft, phone)
            draft.link(mentions[0], number, "uses_phone")
            draft.text += f" Believed to use {number['number']}."
        draft.text += " Graded B2. Not developed."
        s.reads(draft, rng.randint(2, 7), within_days=1500)
        return draft

    return render


def _meeting(network: Network, day: date) -> Render:
    """A multi-agency meeting where the men were named, and nothing followed."""

    def render(s: Scribe) -> Draft:
        rng = s.rng
        draft = s.draft(
            "children_social_care",
            "meeting",
            day,
            role="Team Manager",
            hours=(9, 15),
            delay=(24, 24 * 21),
        )
        draft.title = rng.choice(
            (
                "Multi-agency sexual exploitation meeting",
                "Risky behaviours meeting",
                "Strategy discussion",
            )
        )
        draft.sensitivity = "official-sensitive"
        draft.network = network.key
        s.attend(
            draft,
            ("police", "police", "youth_service", "health", "education", "housing", "licensing"),
            chance=0.7,
        )
        victims = rng.sample(network.victims, k=min(len(network.victims), rng.randint(1, 3)))
        children = [_child(s, draft, victim, day) for victim in victims]
        men = rng.sample(network.adults, k=min(len(network.adults), rng.randint(2, 5)))
        named = [_man(s, draft, network, man, day, "suspect") for man in men]
        for child, victim in zip(children, victims, strict=True):
            for man, person in zip(named, men, strict=True):
                if person is victim.boyfriend:
                    draft.link(child, man, "associate")
        draft.text = (
            f"Concerns discussed regarding {_listed(children)}. "
            f"Males named by the young people: {_listed(named)}."
        )
        if network.vehicles and rng.random() < 0.7:
            v = s.vehicle(draft, rng.choice(network.vehicles), unseen=0.3)
            draft.text += f" Vehicle {v['vrm']} mentioned."
            draft.link(named[0], v, "drove")
        draft.text += " Police to consider intelligence gathering. Next meeting in six weeks."
        draft.shared_with = sorted({"police", "youth_service", "health", "education"})
        for attendee in draft.attendees:
            draft.reads.append(
                (later(rng, draft.recorded_at, min_hours=1, max_hours=24 * 14), attendee)
            )
        return draft

    return render


def _licensing_complaint(network: Network, day: date) -> Render:
    def render(s: Scribe) -> Draft:
        rng = s.rng
        draft = s.draft(
            "licensing", "complaint", day, role="Licensing Enforcement Officer", delay=(2, 24 * 10)
        )
        draft.title = "Complaint about a private hire driver"
        draft.sensitivity = "official"
        draft.network = network.key
        drivers = [a for a in network.adults if a.index in network.car_of] or network.adults
        driver = rng.choice(drivers)
        d = _man(s, draft, network, driver, day, "subject")
        firm = s.organisation(draft, network.taxi_firm)
        draft.link(d, firm, "works_at")
        draft.text = (
            f"A parent complains that a {firm['name']} driver, "
            f"{d['name']}, gives schoolgirls free rides."
        )
        vehicle = network.car_of.get(driver.index)
        if vehicle is not None:
            v = s.vehicle(draft, vehicle, unseen=0.2)
            draft.link(d, v, "drove")
            draft.text += f" Vehicle {v['vrm']}."
        draft.act(
            "no_further_action",
            at=later(rng, draft.recorded_at, min_hours=48, max_hours=24 * 40),
            by=s.staff("licensing", role="Licensing Manager").id,
            about=(d,),
            rationale=rng.choice(
                ("Driver denies; no evidence.", "Complainant did not respond.", None)
            ),
        )
        return draft

    return render


def _out_of_town(network: Network, victim: Victim, day: date) -> Render:
    def render(s: Scribe) -> Draft:
        rng = s.rng
        draft = s.draft(
            "police", "incident", day, role="Police Constable", hours=(0, 5), delay=(2, 24)
        )
        draft.title = "Found child - out of area"
        draft.sensitivity = "official-sensitive"
        draft.network = network.key
        c = _child(s, draft, victim, day)
        man = _man(s, draft, network, rng.choice(network.adults), day, "associate")
        draft.link(c, man, "seen_with")
        if network.hotel >= 0 and rng.random() < 0.5:
            hotel = s.organisation(draft, network.hotel)
            draft.link(c, hotel, "seen_at")
            draft.text = (
                f"{c['name']} found at {hotel['name']} in the early hours with {man['name']}."
            )
        else:
            flat = s.address(draft, network.flats[-1], role="other")
            draft.link(c, flat, "seen_at")
            draft.text = (
                f"{c['name']} found at {flat['address']} in the early hours with {man['name']}."
            )
        draft.text += (
            f" Male stated he was giving {_Pronouns(victim.person).her} a lift home. "
            "Child returned home; no further action."
        )
        draft.act(
            "no_further_action",
            at=later(rng, draft.recorded_at, min_hours=2, max_hours=48),
            by=draft.author,
            about=(c, man),
            rationale=rng.choice(("No offences disclosed.", None)),
        )
        return draft

    return render


def _prosecution(network: Network, opened: date, outcome_day: date) -> Render:
    """Years later: the investigation, and as far as it got (arrest, charge, conviction)."""

    def render(s: Scribe) -> Draft:
        rng = s.rng
        assert network.outcome is not None
        kind = network.outcome[0]
        draft = s.draft(
            "police",
            "crime",
            opened,
            role="Detective Sergeant",
            delay=(24, 24 * 5),
            occurred=str(network.start.year),
        )
        draft.offence = rng.choice(("71", "19D", "22B", "72"))
        draft.title = f"Operation {network.operation}: {SEXUAL_OFFENCES[draft.offence].lower()}"
        draft.sensitivity = "official-sensitive"
        draft.network = network.key
        victims = [s.person(draft, v.person, "victim", opened, FORMAL) for v in network.victims]
        suspects = [s.person(draft, man, "suspect", opened, ARRESTED) for man in network.adults]
        draft.text = (
            f"Historic investigation into the sexual exploitation of {len(victims)} children "
            f"between {network.start.year} and {network.end.year}. Victims: "
            f"{_listed(victims)}. Suspects: "
            f"{_listed(suspects)}."
        )
        lead = draft.author
        opened_at = later(rng, draft.recorded_at, min_hours=1, max_hours=48)
        draft.act("investigation_opened", at=opened_at, by=lead)
        earlier = tuple((rid, ref) for rid, ref, _ in network.sightings[-12:])
        arrested_at = datetime(
            outcome_day.year, outcome_day.month, outcome_day.day, 9, tzinfo=opened_at.tzinfo
        )
        steps = {
            "arrest": ("arrest",),
            "charge": ("arrest", "charge"),
            "conviction": ("arrest", "charge", "conviction"),
        }[kind]
        # Earlier steps are spaced back from the outcome date.
        gaps = {"arrest": 0, "charge": 1, "conviction": 2}
        for step in steps:
            back = (gaps[kind] - gaps[step]) * 150
            at = max(arrested_at - timedelta(days=back), opened_at + timedelta(hours=1))
            draft.act(
                step,
                at=at,
                by=lead,
                about=tuple(suspects),
                earlier=earlier if step == "arrest" else (),
            )
        draft.shared_with.append("children_social_care")
        return draft

    return render


def _listed(mentions: list[Mention]) -> str:
    """Names in a list; semicolons when a name is written `SURNAME, First`."""
    names = [mention["name"] for mention in mentions]
    return ("; " if any("," in name for name in names) else ", ").join(names)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


@dataclass(frozen=True, slots=True)
class _Pronouns:
    """she/her or he/him for a child, so one narrative serves girls and boys."""

    person: Person

    @property
    def she(self) -> str:
        return "she" if self.person.gender == "female" else "he"

    @property
    def She(self) -> str:  # noqa: N802 - reads as the capitalised word in narratives
        return self.she.capitalize()

    @property
    def her(self) -> str:
        return "her" if self.person.gender == "female" else "him"

    @property
    def his(self) -> str:
        return "her" if self.person.gender == "female" else "his"
