"""Detection runs: evidence, graph, every rule, priority; once, or step after step."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from vigil.core.detect.config import DetectConfig, load_config
from vigil.core.detect.evidence import Evidence, EvidenceBuilder, build_evidence
from vigil.core.detect.finding import Finding
from vigil.core.detect.graph import EntityGraph, build_graph, extend_graph
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
    evidence = build_evidence(data, config, as_of)
    return _alerts(evidence, build_graph(evidence), harm_index or load_harm(), rules)


def _alerts(
    evidence: Evidence, graph: EntityGraph, harm_index: HarmIndex, rules: tuple[str, ...] | None
) -> list[Alert]:
    alerts = [
        Alert(found, prioritise(found, evidence, harm_index))
        for name, rule in RULES.items()
        if rules is None or name in rules
        for found in rule(evidence, graph)
    ]
    return sorted(alerts, key=lambda a: (-a.priority.value, a.finding.key))


class Detector:
    """Detection run again and again over an input that grows: replay's steps.

    Each call gives what `detect` gives over the same input, but the evidence
    and the entity graph are carried from the call before: only the records,
    mentions, links and actions added since are indexed, and Leiden is run
    only on graph components that changed. An input that did not only grow
    (entities moved by a full link) is indexed again from the start.

    Attributes:
        rebuilt: How many calls indexed everything (the first one included).
        graph: The entity graph as of the last call.
    """

    def __init__(
        self,
        *,
        config: DetectConfig | None = None,
        harm_index: HarmIndex | None = None,
        rules: tuple[str, ...] | None = None,
    ) -> None:
        self.config = config or load_config()
        self.harm_index = harm_index or load_harm()
        self.rules = rules
        self.rebuilt = 0
        self._evidence = EvidenceBuilder(self.config)
        self.graph = EntityGraph()

    @property
    def evidence(self) -> Evidence | None:
        """The evidence as of the last call (None before the first)."""
        return self._evidence.evidence

    def __call__(self, data: DetectInput, as_of: datetime) -> list[Alert]:
        """Alerts over `data` as of `as_of`, highest priority first, then by key."""
        update = self._evidence.update(data, as_of)
        evidence = update.evidence
        if update.rebuilt:
            self.rebuilt += 1
            # Known components keep their communities: the partitions are keyed by content.
            self.graph = EntityGraph(partitions=self.graph.partitions)
        extend_graph(self.graph, evidence, records=update.records, concerns=update.concerns)
        return _alerts(evidence, self.graph, self.harm_index, self.rules)
