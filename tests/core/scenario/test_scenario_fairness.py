"""Origin must not predict role: perpetrators and victims come from the town's own mixture."""

from __future__ import annotations

import random
from collections import Counter

from vigil.core.scenario.decoys import plan_decoys
from vigil.core.scenario.names import name_book
from vigil.core.scenario.networks import plan_networks
from vigil.core.scenario.town import Town, build_town

# Chi-square critical value for 3 degrees of freedom at p = 0.001.
_CRITICAL = 16.27
_GROUPS = ("british", "pakistani", "eastern_european")
_EASTERN_EUROPEAN = {"polish", "slovak", "romanian"}


def _group(origin: str) -> str:
    if origin in _EASTERN_EUROPEAN:
        return "eastern_european"
    return origin if origin in _GROUPS else "other"


def _cast(seed: int) -> Town:
    town = build_town(name_book(), seed, 2.0)
    plan_decoys(town, seed, 2.0)
    plan_networks(town, seed, 2.0)
    return town


def _chi_square(observed: Counter[str], expected_shares: dict[str, float]) -> float:
    total = sum(observed.values())
    return sum(
        (observed[group] - total * share) ** 2 / (total * share)
        for group, share in expected_shares.items()
    )


def test_sampler_follows_the_fixed_mixture() -> None:
    book = name_book()
    rng = random.Random(0)
    draws = Counter(book.sample_origin(rng).key for _ in range(40_000))
    for origin in book.origins:
        assert abs(draws[origin.key] / 40_000 - origin.weight) < 0.01


def test_every_origin_is_in_the_population_outside_the_networks() -> None:
    town = _cast(1)
    others = {person.origin for person in town.people if person.kind != "perpetrator"}
    assert others == {origin.key for origin in name_book().origins}


def test_perpetrators_and_victims_follow_the_population_mixture() -> None:
    population: Counter[str] = Counter()
    perpetrators: Counter[str] = Counter()
    victims: Counter[str] = Counter()
    for seed in range(1, 9):
        town = _cast(seed)
        for person in town.people:
            if person.home < 0:
                continue
            group = _group(person.origin)
            population[group] += 1
            if person.kind == "perpetrator":
                perpetrators[group] += 1
            elif person.kind == "victim":
                victims[group] += 1
    total = sum(population.values())
    shares = {group: count / total for group, count in population.items()}
    assert sum(perpetrators.values()) > 100
    assert sum(victims.values()) > 100
    assert _chi_square(perpetrators, shares) < _CRITICAL
    assert _chi_square(victims, shares) < _CRITICAL
