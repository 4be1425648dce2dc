"""Priority's factors at their edges: age bands, agencies to the cap, recency's floor, no harm."""

from __future__ import annotations

from typing import Any

from vigil.core.detect import detect, load_config

from .helpers import build, day, record

SETTINGS = load_config().priority
RULE = ("adult_linked_to_children",)


def priority_with(first_age: float, *, agencies: tuple[str, str] = ("police", "police")) -> Any:
    data = build(
        record(
            "r1", 1, [("c1", "subject", first_age), ("a1", "associate", 30)], agency=agencies[0]
        ),
        record("r2", 2, [("c2", "subject", 17), ("a1", "associate", 30)], agency=agencies[1]),
    )
    (alert,) = detect(data, as_of=day(2), rules=RULE)
    return alert.priority


def test_vulnerability_just_below_and_at_each_band() -> None:
    for band in SETTINGS.vulnerability:
        assert priority_with(band.under - 0.01).vulnerability == band.weight
        if band.under >= load_config().concern.child_age:
            continue  # at that age nobody is a child, and the rule no longer fires
        below_next = [b.weight for b in SETTINGS.vulnerability if band.under < b.under]
        at = priority_with(band.under).vulnerability
        assert at == (below_next[0] if below_next else SETTINGS.vulnerability_unknown)


def test_convergence_grows_by_agency_up_to_its_cap() -> None:
    one = priority_with(14)
    two = priority_with(14, agencies=("police", "health"))
    assert one.convergence == 1.0
    assert two.convergence == 1.0 + SETTINGS.convergence_step
    many = build(
        *(
            record(f"r{i}", i, [(f"c{i}", "subject", 14), ("a1", "associate", 30)], agency=f"ag{i}")
            for i in range(20)
        )
    )
    (alert,) = detect(many, as_of=day(20), rules=RULE)
    assert alert.priority.convergence == SETTINGS.convergence_cap


def test_recency_halves_each_half_life_and_stops_at_its_floor() -> None:
    data = build(
        record("r1", 1, [("c1", "subject", 14), ("a1", "associate", 30)]),
        record("r2", 2, [("c2", "subject", 14), ("a1", "associate", 30)]),
    )
    half = int(SETTINGS.half_life_days)
    (now,) = detect(data, as_of=day(2), rules=RULE)
    (later,) = detect(data, as_of=day(2 + half), rules=RULE)
    (long_after,) = detect(data, as_of=day(2 + 50 * half), rules=RULE)
    assert now.priority.recency == 1.0
    assert later.priority.recency == 0.5
    assert long_after.priority.recency == SETTINGS.recency_floor


def test_no_harm_weight_when_no_record_is_a_weighed_offence() -> None:
    # The concern records carry an offence code the harm file lacks: harm 0, said in words.
    data = build(
        record("r1", 1, [("c1", "subject", 14), ("a1", "associate", 30)], offence="999Z"),
        record("r2", 2, [("c2", "subject", 14), ("a1", "associate", 30)], offence="999Z"),
    )
    (alert,) = detect(data, as_of=day(2), rules=RULE)
    assert alert.priority.harm == 0 and alert.priority.value == 0
    assert "no offence with a harm weight" in alert.explanation
