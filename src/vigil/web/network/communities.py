"""The communities detection found, stored with its alerts and read back for the pages.

Building the entity graph and running Leiden takes as long as detection does,
so it is done once per detection run (`communities_store`) and the pages read
the stored result (`stored_communities`), filtering it per user by need-to-know.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from vigil.web.alerts import models

if TYPE_CHECKING:
    from vigil.core.detect import DetectInput

_BATCH = 2_000
_AGE = models.CommunityMember.Age


@dataclass(frozen=True, slots=True)
class StoredEdge:
    """Two members, the edge's weight and every record joining them with its time."""

    source: str
    target: str
    weight: float
    records: dict[str, datetime]


@dataclass(frozen=True, slots=True)
class StoredCommunity:
    number: int
    members: frozenset[str]
    edges: tuple[StoredEdge, ...]


@dataclass(frozen=True, slots=True)
class StoredCommunities:
    """One run's communities, largest first (`number` 1), with the adults and children in them."""

    run_id: int
    communities: tuple[StoredCommunity, ...]
    adults: frozenset[str]
    children: frozenset[str]


def _find(data: DetectInput, as_of: datetime) -> tuple[list[StoredCommunity], set[str], set[str]]:
    """The communities (largest first) with their edges and records; adults; children."""
    from vigil.core.detect.config import load_config
    from vigil.core.detect.evidence import build_evidence
    from vigil.core.detect.graph import build_graph

    config = load_config()
    evidence = build_evidence(data, config, as_of)
    graph = build_graph(evidence)
    # The settings detection's rule (h) uses, so these are the communities it sees.
    settings = config.rule("exploitation_community")
    found = graph.communities(
        resolution=float(settings["resolution"]),
        seed=int(settings["seed"]),
        whole_below=int(settings["whole_component_below"]),
    )
    out: list[StoredCommunity] = []
    for number, members in enumerate(found, start=1):
        edges: list[StoredEdge] = []
        for a in sorted(members):
            for b in sorted(graph.adjacent.get(a, ())):
                if a < b and b in members:
                    edge = graph.edges[(a, b)]
                    joined = edge.concern_records | edge.link_records
                    times = {r: evidence.records[r].recorded_at for r in sorted(joined)}
                    edges.append(StoredEdge(a, b, edge.weight, times))
        out.append(StoredCommunity(number, frozenset(members), tuple(edges)))
    adults: set[str] = set()
    children: set[str] = set()
    for record_id in evidence.concerns:
        adults.update(m.entity_id for m in evidence.adults(record_id))
        children.update(m.entity_id for m in evidence.children(record_id))
    return out, adults, children - adults


def communities_store(data: DetectInput, *, as_of: datetime) -> models.CommunityRun:
    """Finds the communities in `data` and stores them as the latest run's, replacing older runs."""
    found, adults, children = _find(data, as_of)
    records = {r for c in found for e in c.edges for r in e.records}
    with transaction.atomic():
        # Children first: each delete is then one statement, however many rows.
        models.CommunityEdge.objects.all().delete()
        models.CommunityMember.objects.all().delete()
        models.Community.objects.all().delete()
        models.CommunityRun.objects.all().delete()
        run = models.CommunityRun.objects.create(
            as_of=as_of,
            written_at=timezone.now(),
            communities=len(found),
            edges=sum(len(c.edges) for c in found),
            records=len(records),
        )
        rows = models.Community.objects.bulk_create(
            (
                models.Community(
                    run=run,
                    number=c.number,
                    key=min(c.members),
                    size=len(c.members),
                    edge_count=len(c.edges),
                    record_count=len({r for e in c.edges for r in e.records}),
                )
                for c in found
            ),
            batch_size=_BATCH,
        )
        pk_of = {row.number: row.pk for row in rows}
        if any(pk is None for pk in pk_of.values()):  # a backend that returns no ids
            pk_of = dict(models.Community.objects.filter(run=run).values_list("number", "pk"))
        models.CommunityMember.objects.bulk_create(
            (
                models.CommunityMember(
                    community_id=pk_of[c.number],
                    entity_id=member,
                    age=_AGE.ADULT
                    if member in adults
                    else _AGE.CHILD
                    if member in children
                    else _AGE.UNKNOWN,
                )
                for c in found
                for member in sorted(c.members)
            ),
            batch_size=_BATCH,
        )
        models.CommunityEdge.objects.bulk_create(
            (
                models.CommunityEdge(
                    community_id=pk_of[c.number],
                    source=e.source,
                    target=e.target,
                    weight=e.weight,
                    records=[[r, at.isoformat()] for r, at in e.records.items()],
                )
                for c in found
                for e in c.edges
            ),
            batch_size=_BATCH,
        )
    return run


# The latest run's communities as read, kept in the process: a run never changes once
# written, so its id and write time say whether the copy is current.
_loaded: dict[tuple[int, datetime], StoredCommunities] = {}


def stored_communities() -> StoredCommunities | None:
    """The latest detection run's communities, or None before any run stored them."""
    latest = models.CommunityRun.objects.order_by("-pk").values_list("pk", "written_at").first()
    if latest is None:
        return None
    found = _loaded.get(latest)
    if found is None:
        found = _load(latest[0])
        _loaded.clear()
        _loaded[latest] = found
    return found


def _load(run_id: int) -> StoredCommunities:
    numbers = dict(models.Community.objects.filter(run_id=run_id).values_list("pk", "number"))
    members: dict[int, set[str]] = {pk: set() for pk in numbers}
    adults: set[str] = set()
    children: set[str] = set()

    for community_id, entity_id, age in models.CommunityMember.objects.filter(
        community__run_id=run_id
    ).values_list("community_id", "entity_id", "age"):
        members[community_id].add(entity_id)
        if age == _AGE.ADULT:
            adults.add(entity_id)
        elif age == _AGE.CHILD:
            children.add(entity_id)
    edges: dict[int, list[StoredEdge]] = {pk: [] for pk in numbers}
    rows: Any = models.CommunityEdge.objects.filter(community__run_id=run_id).order_by("pk")
    for community_id, source, target, weight, records in rows.values_list(
        "community_id", "source", "target", "weight", "records"
    ).iterator(chunk_size=_BATCH):
        times = {r: datetime.fromisoformat(at) for r, at in records}
        edges[community_id].append(StoredEdge(source, target, weight, times))
    communities = sorted(
        (StoredCommunity(numbers[pk], frozenset(members[pk]), tuple(edges[pk])) for pk in numbers),
        key=lambda c: c.number,
    )
    return StoredCommunities(run_id, tuple(communities), frozenset(adults), frozenset(children))


def community_number(run_id: int, entity_id: str) -> int | None:
    """The number of the community holding `entity_id` in a run, if any holds it."""
    return (
        models.CommunityMember.objects.filter(community__run_id=run_id, entity_id=entity_id)
        .values_list("community__number", flat=True)
        .first()
    )
