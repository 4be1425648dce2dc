"""Detection settings, read from `config.yaml` beside this module (or a file given)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

DEFAULT_CONFIG = Path(__file__).with_name("config.yaml")


@dataclass(frozen=True, slots=True)
class ConcernDefinition:
    """What makes a record a concern record (see config.yaml)."""

    child_age: int
    offences: frozenset[str]
    kinds: frozenset[str]
    child_roles: frozenset[str]
    adult_roles: frozenset[str]
    ignored_roles: frozenset[str]
    ignored_link_types: frozenset[str]


@dataclass(frozen=True, slots=True)
class AgeBand:
    """A vulnerability weight for a child younger than `under`."""

    under: int
    weight: float


@dataclass(frozen=True, slots=True)
class PrioritySettings:
    """The factors of priority other than harm."""

    vulnerability: tuple[AgeBand, ...]
    vulnerability_unknown: float
    convergence_step: float
    convergence_cap: float
    half_life_days: float
    recency_floor: float
    high: float


@dataclass(frozen=True, slots=True)
class DetectConfig:
    """Everything the rules and priority compare against.

    Attributes:
        concern: The concern-record definition.
        qualifying_actions: Action kinds that answer a concern.
        rules: Each rule's thresholds, by rule name.
        priority: Priority factors.
        default_harm_code: Offence code a concern record without one is weighed as.
    """

    concern: ConcernDefinition
    qualifying_actions: frozenset[str]
    rules: dict[str, dict[str, Any]]
    priority: PrioritySettings
    default_harm_code: str

    def rule(self, name: str) -> dict[str, Any]:
        """One rule's thresholds."""
        return self.rules[name]


def load_config(path: Path = DEFAULT_CONFIG) -> DetectConfig:
    """Reads a detection configuration file.

    Args:
        path: A YAML file shaped like the default `config.yaml`.
    """
    raw: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    concern = raw["concern"]
    priority = raw["priority"]
    return DetectConfig(
        concern=ConcernDefinition(
            child_age=int(concern["child_age"]),
            offences=frozenset(str(code) for code in concern["offences"]),
            kinds=frozenset(concern["kinds"]),
            child_roles=frozenset(concern["child_roles"]),
            adult_roles=frozenset(concern["adult_roles"]),
            ignored_roles=frozenset(concern["ignored_roles"]),
            ignored_link_types=frozenset(concern["ignored_link_types"]),
        ),
        qualifying_actions=frozenset(raw["qualifying_actions"]),
        rules={name: dict(values) for name, values in raw["rules"].items()},
        priority=PrioritySettings(
            vulnerability=tuple(
                AgeBand(under=int(b["under"]), weight=float(b["weight"]))
                for b in sorted(priority["vulnerability"], key=lambda b: b["under"])
            ),
            vulnerability_unknown=float(priority["vulnerability_unknown"]),
            convergence_step=float(priority["convergence_step"]),
            convergence_cap=float(priority["convergence_cap"]),
            half_life_days=float(priority["half_life_days"]),
            recency_floor=float(priority["recency_floor"]),
            high=float(priority["high"]),
        ),
        default_harm_code=str(raw["harm"]["default_code"]),
    )
