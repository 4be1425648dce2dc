"""The entity graph: entities joined by co-mention in concern records and by links.

Every edge keeps the dates and records it rests on. Communities are found
with Leiden (modularity, fixed seed, so the same graph gives the same communities).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
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


# A connected component as Leiden sees it: its vertices in order, its weighted edges.
_Component = tuple[tuple[str, ...], tuple[tuple[str, str, float], ...]]


@dataclass(slots=True)
class EntityGraph:
    """Entities (vertices, by entity id) and dated edges between them.

    Attributes:
        edges: Each pair of entities (in order) and what joins them.
        adjacent: Each entity's neighbours.
        partitions: Leiden's communities of each connected component it was last
            run on, by the component's exact vertices and weighted edges: a
            component unchanged since the last call is not partitioned again
            (replay asks at every step, and most components do not change).
    """

    edges: dict[tuple[str, str], Edge] = field(default_factory=dict)
    adjacent: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    partitions: dict[tuple[_Component, float, int], list[set[str]]] = field(default_factory=dict)

    def add(self, a: str, b: str, *, record_id: str, at: datetime, concern: bool) -> None:
        """Joins two entities by one record (once per record)."""
        if a == b:
            return
        pair = (a, b) if a < b else (b, a)
        edge = self.edges.get(pair)
        if edge is None:
            edge = self.edges[pair] = Edge()
            self.adjacent[a].add(b)
            self.adjacent[b].add(a)
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

    def concern_records_within(self, members: set[str]) -> set[str]:
        """The concern records joining two of `members` (by their edges, not all edges)."""
        records: set[str] = set()
        for a in members:
            for b in self.adjacent.get(a, ()):
                if a < b and b in members:
                    records |= self.edges[(a, b)].concern_records
        return records

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
        kept: dict[tuple[_Component, float, int], list[set[str]]] = {}
        components = graph.connected_components()
        membership = components.membership
        by_component: dict[int, list[tuple[str, str, float]]] = defaultdict(list)
        for a, b in pairs:
            by_component[membership[index[a]]].append((a, b, self.edges[(a, b)].weight))
        for number, component in enumerate(components):
            if len(component) < 2:
                continue
            if len(component) < whole_below:
                groups.append({names[i] for i in component})
                continue
            key = (
                (tuple(names[i] for i in component), tuple(by_component[number])),
                resolution,
                seed,
            )
            found = self.partitions.get(key)
            if found is None:
                found = _partition(key[0], resolution=resolution, seed=seed)
            kept[key] = found
            groups.extend(set(g) for g in found)
        self.partitions = kept  # only what this call used: the rest is not asked again
        return sorted(groups, key=lambda g: (-len(g), min(g)))


def _partition(component: _Component, *, resolution: float, seed: int) -> list[set[str]]:
    """Leiden on one component, built from its content alone (vertices and edges in
    name order), so the same component is always split the same way."""
    vertices, edges = component
    index = {name: i for i, name in enumerate(vertices)}
    graph = ig.Graph(n=len(vertices), edges=[(index[a], index[b]) for a, b, _ in edges])
    graph.es["weight"] = [weight for _, _, weight in edges]
    partition = leidenalg.find_partition(
        graph,
        leidenalg.RBConfigurationVertexPartition,
        weights="weight",
        resolution_parameter=resolution,
        seed=seed,
    )
    return [{vertices[i] for i in members} for members in partition if len(members) > 1]


def build_graph(evidence: Evidence) -> EntityGraph:
    """Joins entities co-mentioned in a concern record, and entities any record links."""
    graph = EntityGraph()
    extend_graph(graph, evidence, records=evidence.links, concerns=evidence.concerns)
    return graph


def extend_graph(
    graph: EntityGraph, evidence: Evidence, *, records: Iterable[str], concerns: Iterable[str]
) -> None:
    """Adds what new records say: co-mention in `concerns`, and the links of `records`.

    Given the records added to the evidence since the graph was built (and
    which of them are concerns), the graph becomes `build_graph`'s over it all.
    """
    ignored_links = evidence.config.concern.ignored_link_types
    for record_id in concerns:
        at = evidence.time(record_id)
        entities = sorted({m.entity_id for m in evidence.involved(record_id)})
        for a, b in combinations(entities, 2):
            graph.add(a, b, record_id=record_id, at=at, concern=True)
    for record_id in records:
        links = evidence.links.get(record_id)
        if not links:
            continue
        at = evidence.time(record_id)
        for link in links:
            if link.type in ignored_links:
                continue
            left = evidence.entity_of.get((record_id, link.from_ref))
            right = evidence.entity_of.get((record_id, link.to_ref))
            if left and right:
                graph.add(
                    left,
                    right,
                    record_id=record_id,
                    at=at,
                    concern=record_id in evidence.concern_set,
                )
