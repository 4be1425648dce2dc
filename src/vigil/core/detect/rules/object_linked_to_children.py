"""(d) A vehicle, phone, address or organisation named with two or more children in concerns."""

from __future__ import annotations

from vigil.core.detect.evidence import Evidence, children_by_entity
from vigil.core.detect.finding import Finding, finding
from vigil.core.detect.graph import EntityGraph

NAME = "object_linked_to_children"


def detect(evidence: Evidence, graph: EntityGraph) -> list[Finding]:
    """Fires for a non-person entity of a configured type alongside `min_children` children
    (not counting a child's own school or home, linked by `attends` or `lives_at`)."""
    settings = evidence.config.rule(NAME)
    least = int(settings["min_children"])
    types = set(settings["types"])
    roles = set(settings["ignored_roles"])
    link_types = set(settings["ignored_link_types"])
    ordinary = {
        (link.record_id, ref)
        for links in evidence.links.values()
        for link in links
        if link.type in link_types
        for ref in (link.from_ref, link.to_ref)
    }
    around = children_by_entity(
        evidence,
        lambda m: m.type in types and m.role not in roles and (m.record_id, m.ref) not in ordinary,
    )
    return [
        finding(
            rule=NAME,
            subjects={entity_id},
            mentions=links.mentions,
            entity_of=evidence.entity_of,
            triggered_at=links.triggered_at(least),
            explanation=(
                f"The same {evidence.entity_type[entity_id]} appears in concern records about "
                f"{len(links.first_seen)} different children."
            ),
        )
        for entity_id, links in around.items()
        if len(links.first_seen) >= least
    ]
