"""One detection run: evidence, graph, every rule, priority."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from vigil.core.detect.config import DetectConfig, load_config
from vigil.core.detect.evidence import build_evidence
from vigil.core.detect.finding import Finding
from vigil.core.detect.graph import build_graph
from vigil.core.detect.harm import HarmIndex, load_harm
from vigil.core.detect.inputs import DetectInput
from vigil.core.detect.priority import Priority, prioritise
from vigil.core.detect.rules import RULES


@dataclass(frozen=True, slots=True)
class Alert:
    """A finding with its priority: what `vigil detect` writes or updates.

    Attributes:
        finding: What fired, on whom, on what evidence.
        priority: How urgent, and why.
    """

    finding: Finding
    priority: Priority

    @property
    def explanation(self) -> str:
        """The rule's words, then the priority's."""
        priority = f"Priority {self.priority.value:g} = {self.priority.explanation}."
        return f"{self.finding.explanation} {priority}"


def detect(
    data: DetectInput,
    *,
    as_of: datetime,
    config: DetectConfig | None = None,
    harm_index: HarmIndex | None = None,
    rules: tuple[str, ...] | None = None,
) -> list[Alert]:
    """Runs the rules over what was known at `as_of`.

    Args:
        data: Records, mentions (resolved to entities), links and actions.
        as_of: The moment detection stands at (SLAs and recency are measured to it).
        config: Thresholds; the packaged config.yaml by default.
        harm_index: Harm weights; the packaged harm.yaml by default.
        rules: Only these rules (all by default).

    Returns:
        Alerts, highest priority first, then by key.
    """
    config = config or load_config()
    harm_index = harm_index or load_harm()
    evidence = build_evidence(data, config, as_of)
    graph = build_graph(evidence)
    alerts = [
        Alert(found, prioritise(found, evidence, harm_index))
        for name, rule in RULES.items()
        if rules is None or name in rules
        for found in rule(evidence, graph)
    ]
    return sorted(alerts, key=lambda a: (-a.priority.value, a.finding.key))
