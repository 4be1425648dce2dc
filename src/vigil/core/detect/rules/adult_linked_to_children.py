"""(c) An adult named with two or more children in concern records."""

from __future__ import annotations

from vigil.core.detect.evidence import Evidence, children_by_entity
from vigil.core.detect.finding import Finding, finding
from vigil.core.detect.graph import EntityGraph

NAME = "adult_linked_to_children"


def detect(evidence: Evidence, graph: EntityGraph) -> list[Finding]:
    """Fires for an adult in a suspect or associate role alongside `min_children` children."""
    least = int(evidence.config.rule(NAME)["min_children"])
    roles = evidence.config.concern.adult_roles
    around = children_by_entity(
        evidence,
        lambda m: m.type == "person" and m.role in roles and not evidence.is_child(m),
    )
    return [
        finding(
            rule=NAME,
            subjects={adult},
            mentions=links.mentions,
            entity_of=evidence.entity_of,
            triggered_at=links.triggered_at(least),
            explanation=(
                f"An adult is named as suspect or associate alongside {len(links.first_seen)} "
                f"different children in concern records."
            ),
        )
        for adult, links in around.items()
        if len(links.first_seen) >= least
    ]
