"""Priority = harm × vulnerability × convergence × recency, each factor explained.

Only offence codes, ages, agencies and dates are read: never ethnicity,
nationality or religion (detection is not given them).
"""

from __future__ import annotations

from dataclasses import dataclass

from vigil.core.detect.evidence import Evidence
from vigil.core.detect.finding import Finding
from vigil.core.detect.harm import HarmIndex


@dataclass(frozen=True, slots=True)
class Priority:
    """A finding's priority and the factors it is the product of."""

    harm: float
    vulnerability: float
    convergence: float
    recency: float
    explanation: str

    @property
    def value(self) -> float:
        """The product of the four factors, rounded to 2 places."""
        return round(self.harm * self.vulnerability * self.convergence * self.recency, 2)


def prioritise(found: Finding, evidence: Evidence, harm_index: HarmIndex) -> Priority:
    """Weighs one finding."""
    settings = evidence.config.priority
    concerns = evidence.concern_set
    harm, harm_words = 0.0, "no offence with a harm weight"
    for record_id in found.record_ids:
        code = evidence.records[record_id].offence
        if code is None and record_id in concerns:
            code = evidence.config.default_harm_code
            source = f"concern without offence code, weighed as {code}"
        else:
            source = f"offence {code}"
        weight = harm_index.weight(code)
        if weight is not None and weight.days > harm:
            marker = ", indicative" if weight.indicative else ""
            harm = weight.days
            harm_words = f"{weight.days:g} days ({source}: {weight.label}; {weight.basis}{marker})"

    ages = [
        age
        for key in found.mentions
        if (age := evidence.ages.get(key)) is not None and age < evidence.config.concern.child_age
    ]
    youngest = min(ages) if ages else None
    vulnerability = settings.vulnerability_unknown
    if youngest is not None:
        vulnerability = next(
            (band.weight for band in settings.vulnerability if youngest < band.under),
            settings.vulnerability_unknown,
        )
    agencies = sorted({evidence.records[r].agency for r in found.record_ids})
    convergence = min(
        1.0 + settings.convergence_step * max(len(agencies) - 1, 0), settings.convergence_cap
    )
    latest = max(evidence.time(r) for r in found.record_ids)
    days = max((evidence.as_of - latest).days, 0)
    recency = max(0.5 ** (days / settings.half_life_days), settings.recency_floor)
    age_words = f"youngest child {youngest:g}" if youngest is not None else "no child's age known"
    explanation = (
        f"harm {harm_words} × vulnerability {vulnerability:g} ({age_words}) × "
        f"convergence {convergence:g} ({len(agencies)} agencies) × "
        f"recency {recency:.2f} (latest evidence {days} days before)"
    )
    return Priority(harm, vulnerability, convergence, round(recency, 4), explanation)
