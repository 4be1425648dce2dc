"""The entity graph: entities joined by co-mention in concern records and by links.

Every edge keeps the dates and records it rests on. Communities are found
with Leiden (modularity, fixed seed, so the same graph gives the same communities).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from itertools import combinations

import igraph as ig
import leidenalg

from vigil.core.detect.evidence import Evidence

# A link stated in a concern record is as strong as co-mention in one;
# a link in any other record is weaker evidence of association.
CONCERN_WEIGHT = 1.0
OTHER_LINK_WEIGHT = 0.5


@dataclass(slots=True)
class Edge:
    """Two entities and what joins them."""

    weight: float = 0.0
    concern_records: set[str] = field(default_factory=set)
    link_records: set[str] = field(default_factory=set)
    dates: list[datetime] = field(default_factory=list)


@dataclass(slots=True)
class EntityGraph:
    """Entities (vertices, by entity id) and dated edges between them."""

    edges: dict[tuple[str, str], Edge] = field(default_factory=dict)

    def add(self, a: str, b: str, *, record_id: str, at: datetime, concern: bool) -> None:
        """Joins two entities by one record (once per record)."""
        if a == b:
            return
        edge = self.edges.setdefault((a, b) if a < b else (b, a), Edge())
        seen = edge.concern_records if concern else edge.link_records
        if record_id in seen or record_id in edge.concern_records:
            return
        seen.add(record_id)
        edge.weight += CONCERN_WEIGHT if concern else OTHER_LINK_WEIGHT
        edge.dates.append(at)

    def neighbours(self) -> dict[str, set[str]]:
        """Each entity's neighbours."""
        out: dict[str, set[str]] = defaultdict(set)
        for a, b in self.edges:
            out[a].add(b)
            out[b].add(a)
        return out

    def communities(
        self, *, resolution: float = 1.0, seed: int = 1, whole_below: int = 0
    ) -> list[set[str]]:
        """Leiden communities (modularity), largest first; singletons left out.

        A connected group smaller than `whole_below` is one community as it is:
        modularity cannot tell a lone small group from its own halves.
        """
        names = sorted({v for pair in self.edges for v in pair})
        if not names:
            return []
        index = {name: i for i, name in enumerate(names)}
        pairs = sorted(self.edges)
        graph = ig.Graph(n=len(names), edges=[(index[a], index[b]) for a, b in pairs])
        graph.es["weight"] = [self.edges[p].weight for p in pairs]
        groups: list[set[str]] = []
        for component in graph.connected_components():
            if len(component) < 2:
                continue
            if len(component) < whole_below:
                groups.append({names[i] for i in component})
                continue
            sub = graph.induced_subgraph(component)
            partition = leidenalg.find_partition(
                sub,
                leidenalg.RBConfigurationVertexPartition,
                weights="weight",
                resolution_parameter=resolution,
                seed=seed,
            )
            groups.extend(
                {names[component[i]] for i in members} for members in partition if len(members) > 1
            )
        return sorted(groups, key=lambda g: (-len(g), min(g)))


def build_graph(evidence: Evidence) -> EntityGraph:
    """Joins entities co-mentioned in a concern record, and entities any record links."""
    graph = EntityGraph()
    ignored_links = evidence.config.concern.ignored_link_types
    concerns = set(evidence.concerns)
    for record_id in evidence.concerns:
        at = evidence.time(record_id)
        entities = sorted({m.entity_id for m in evidence.involved(record_id)})
        for a, b in combinations(entities, 2):
            graph.add(a, b, record_id=record_id, at=at, concern=True)
    for record_id, links in evidence.links.items():
        at = evidence.time(record_id)
        for link in links:
            if link.type in ignored_links:
                continue
            left = evidence.entity_of.get((record_id, link.from_ref))
            right = evidence.entity_of.get((record_id, link.to_ref))
            if left and right:
                graph.add(left, right, record_id=record_id, at=at, concern=record_id in concerns)
    return graph
