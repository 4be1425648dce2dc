"""Reading entities in their network, through need-to-know.

An entity's profile (attributes, timeline, linked entities), its network
around it, and the communities detection found. Everything here reads
through `vigil.web.records.access`: a mention, attribute, timeline entry,
neighbour or edge that rests only on records the user may not read is left
out and counted as withheld.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from django.db.models import Count, F, Max, Q

from vigil.web.entities import models
from vigil.web.kept import kept
from vigil.web.network.communities import (
    StoredCommunities,
    StoredCommunity,
    community_number,
    stored_communities,
)
from vigil.web.records import models as records
from vigil.web.records.access import (
    ReadableParts,
    filter_record_ids,
    readable_parts,
    visible_source_ids,
)
from vigil.web.records.dialect import in_clause_limit


@dataclass(frozen=True, slots=True)
class ProfileMention:
    """One mention of an entity, in a record the user may read (its current version)."""

    record_pk: int
    record_source_id: str
    ref: str
    agency: str
    kind: str
    title: str
    recorded_at: datetime
    mention: records.Mention

    @property
    def key(self) -> str:
        """How forms name this mention: record pk and ref."""
        return f"{self.record_pk}:{self.ref}"

    @property
    def label(self) -> str:
        return f"{mention_label(self.mention)} ({self.record_source_id}, {self.ref})"


@dataclass(frozen=True, slots=True)
class Attribute:
    """A value an entity has, and the records it came from."""

    name: str
    value: str
    sources: list[tuple[int, str]]  # (record pk, source id)

    @property
    def sources_shown(self) -> list[tuple[int, str]]:
        """The first records named beside the value: a school's name may come from
        hundreds, which the timeline lists."""
        return self.sources[:SOURCES_SHOWN]

    @property
    def sources_more(self) -> int:
        return max(len(self.sources) - SOURCES_SHOWN, 0)


SOURCES_SHOWN = 10


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """A record about the entity, or something done about it."""

    at: datetime
    kind: str  # record, action, judgement, alert
    title: str
    byline: str
    description: str
    url_name: str = ""
    url_arg: str | int = ""


@dataclass(frozen=True, slots=True)
class LinkedEntity:
    """Another entity named in the same records the user may read."""

    entity_id: str
    type: str
    label: str
    shared_records: int
    link_types: list[str]


@dataclass(frozen=True, slots=True)
class EntityProfile:
    """An entity as the user may see it."""

    entity: models.Entity
    name: str
    mentions: list[ProfileMention]
    withheld: int
    attributes: list[Attribute]
    timeline: list[TimelineEntry]
    linked: list[LinkedEntity]


# The attributes a profile lists, in order. Ethnicity, nationality and religion
# are left out: they are never evidence and a profile does not need them.
PROFILE_ATTRIBUTES = (
    ("name", "Name"),
    ("aliases", "Also known as"),
    ("dob", "Date of birth"),
    ("age", "Age stated"),
    ("gender", "Gender"),
    ("vrm", "Registration"),
    ("make", "Make"),
    ("model", "Model"),
    ("colour", "Colour"),
    ("phone", "Phone"),
    ("email", "Email"),
    ("number", "Number"),
    ("address", "Address"),
    ("postcode", "Postcode"),
    ("org_type", "Organisation type"),
    ("description", "Description"),
)


class LabelFields(NamedTuple):
    """What `mention_label` reads of a mention, read as a plain row where thousands are named."""

    type: str
    ref: str
    vrm: str | None
    colour: str | None
    make: str | None
    model: str | None
    name: str | None
    phone: str | None
    number: str | None
    email: str | None
    address: str | None
    postcode: str | None
    description: str | None


def mention_label(mention: records.Mention | LabelFields) -> str:
    """A mention in a few words: its name, plate, phone or address."""
    if mention.type == "vehicle" and mention.vrm:
        extra = " ".join(v for v in (mention.colour, mention.make, mention.model) if v)
        return f"{mention.vrm} {extra}".strip()
    for value in (mention.name, mention.phone, mention.number, mention.email):
        if value:
            return value
    if mention.address or mention.postcode:
        return ", ".join(v for v in (mention.address, mention.postcode) if v)
    return mention.description or f"{mention.type} {mention.ref}"


_NOT_SHOWN = (
    "extra",
    "identifiers",
    "ethnicity",
    "nationality",
    "religion",
    "record_version__text",
    "record_version__extra",
    "record_version__shared_with",
    "record_version__attendees",
)


def _visible_mentions(user: Any, keys: list[tuple[str, str]]) -> tuple[list[ProfileMention], int]:
    """The current version of each (record source id, ref) the user may read; and how
    many were withheld."""
    by_source = {
        row["source_id"]: row
        for row in records.Record.objects.filter(source_id__in={sid for sid, _ in keys}).values(
            "pk", "source_id", "current_version_id"
        )
    }
    visible = filter_record_ids(user, [row["pk"] for row in by_source.values()])
    wanted = {
        (by_source[sid]["current_version_id"], ref)
        for sid, ref in keys
        if sid in by_source and by_source[sid]["pk"] in visible
    }
    found = (
        records.Mention.objects.filter(record_version_id__in={v for v, _ in wanted})
        .select_related("record_version")
        # Never shown on a profile: left in the database (a big entity has hundreds).
        .defer(*_NOT_SHOWN)
        .order_by("record_version__recorded_at", "ref")
    )
    source_of = {row["current_version_id"]: row for row in by_source.values()}
    shown = [
        ProfileMention(
            record_pk=source_of[m.record_version_id]["pk"],
            record_source_id=source_of[m.record_version_id]["source_id"],
            ref=m.ref,
            agency=m.record_version.agency,
            kind=m.record_version.kind,
            title=m.record_version.title or "",
            recorded_at=m.record_version.recorded_at,
            mention=m,
        )
        for m in found
        if (m.record_version_id, m.ref) in wanted
    ]
    return shown, len(keys) - len(shown)


def _attributes(mentions: list[ProfileMention]) -> list[Attribute]:
    found: dict[tuple[str, str], list[tuple[int, str]]] = {}
    for pm in mentions:
        for field, label in PROFILE_ATTRIBUTES:
            raw = getattr(pm.mention, field)
            values = raw if isinstance(raw, list) else [raw]
            for value in values:
                if value in (None, ""):
                    continue
                text = f"{value:g}" if isinstance(value, float) else str(value)
                sources = found.setdefault((label, text), [])
                if (pm.record_pk, pm.record_source_id) not in sources:
                    sources.append((pm.record_pk, pm.record_source_id))
    order = {label: i for i, (_, label) in enumerate(PROFILE_ATTRIBUTES)}
    return [
        Attribute(name=label, value=value, sources=sources)
        for (label, value), sources in sorted(
            found.items(), key=lambda item: (order[item[0][0]], -len(item[1]), item[0][1])
        )
    ]


def _timeline(entity_id: str, mentions: list[ProfileMention]) -> list[TimelineEntry]:
    from vigil.web.alerts.models import Alert, AlertRecord

    keys = {(pm.record_source_id, pm.ref) for pm in mentions}
    sources = {sid for sid, _ in keys}
    entries: list[TimelineEntry] = []
    roles: dict[str, list[str]] = {}
    for pm in mentions:
        roles.setdefault(pm.record_source_id, []).append(pm.mention.role or pm.mention.type)
    seen: set[str] = set()
    for pm in mentions:
        if pm.record_source_id in seen:
            continue
        seen.add(pm.record_source_id)
        entries.append(
            TimelineEntry(
                at=pm.recorded_at,
                kind="record",
                title=pm.title or pm.record_source_id,
                byline=f"{pm.agency.replace('_', ' ')}, {pm.kind.replace('_', ' ')}",
                description=f"Record {pm.record_source_id}; named as "
                + ", ".join(roles[pm.record_source_id]),
                url_name="records:record",
                url_arg=pm.record_pk,
            )
        )
    # Actions about one of the entity's mentions: their subject rows first, then the
    # current versions among them, as plain rows.
    about: set[int] = set()
    for version, sid, ref in records.ActionSubject.objects.filter(
        record_source_id__in=sorted(sources)
    ).values_list("action_version_id", "record_source_id", "ref"):
        if (sid, ref) in keys:
            about.add(version)
    wanted, step = sorted(about), in_clause_limit()
    actions = [
        row
        for start in range(0, len(wanted), step)
        for row in records.ActionVersion.objects.filter(
            pk__in=wanted[start : start + step], action__current_version=F("pk")
        ).values_list("taken_at", "kind", "agency", "by", "approved_by", "rationale")
    ]
    for taken_at, kind, agency, by_whom, approved_by, rationale in actions:
        by = by_whom or agency
        if approved_by:
            by += f", approved by {approved_by}"
        entries.append(
            TimelineEntry(
                at=taken_at,
                kind="action",
                title=f"Action: {kind.replace('_', ' ')}",
                byline=f"{agency}, {by}",
                description=rationale or "",
            )
        )
    judgements = models.Judgement.objects.filter(
        Q(left_record_source_id__in=sources) | Q(right_record_source_id__in=sources)
    )
    for judgement in judgements:
        left = (judgement.left_record_source_id, judgement.left_ref)
        right = (judgement.right_record_source_id, judgement.right_ref)
        if left not in keys and right not in keys:
            continue
        verdict = "the same" if judgement.verdict == "same" else "not the same"
        entries.append(
            TimelineEntry(
                at=judgement.made_at,
                kind="judgement",
                title=f"Judged {verdict}",
                byline=f"Analyst judgement by {judgement.by}",
                description=f"{left[0]} {left[1]} and {right[0]} {right[1]}"
                + (f": {judgement.rationale}" if judgement.rationale else ""),
            )
        )
    # Alerts citing the records shown, found through their evidence rows (not by
    # reading every alert), then kept when they name this entity.
    record_pks = sorted({pm.record_pk for pm in mentions})
    citing: set[int] = set()
    for start in range(0, len(record_pks), step):
        citing.update(
            AlertRecord.objects.filter(record_id__in=record_pks[start : start + step]).values_list(
                "alert_id", flat=True
            )
        )
    found = sorted(citing)
    for start in range(0, len(found), step):
        for alert in Alert.objects.filter(pk__in=found[start : start + step]).only(
            "alert_id", "rule", "raised_at", "priority", "status", "entity_ids"
        ):
            if entity_id not in alert.entity_ids:
                continue
            entries.append(
                TimelineEntry(
                    at=alert.raised_at,
                    kind="alert",
                    title=f"Alert raised: {alert.rule.replace('_', ' ')}",
                    byline=f"Vigil, priority {alert.priority:g}",
                    description=f"Now {alert.get_status_display().lower()}",
                    url_name="alerts:detail",
                    url_arg=alert.alert_id,
                )
            )
    return sorted(entries, key=lambda e: e.at, reverse=True)


@dataclass(slots=True)
class _Neighbourhood:
    """Entities co-mentioned with one entity, by visible record."""

    linked: list[LinkedEntity]
    records_of: dict[str, set[str]]  # entity id -> records shared with the centre


def _neighbourhood(entity: models.Entity, mentions: list[ProfileMention]) -> _Neighbourhood:
    sources = {pm.record_source_id for pm in mentions}
    own = {(pm.record_source_id, pm.ref) for pm in mentions}
    rows = (
        models.EntityMention.objects.filter(record_source_id__in=sources)
        .exclude(entity=entity)
        .values_list("entity__entity_id", "entity__type", "record_source_id", "ref")
    )
    entity_of = {(sid, ref): eid for eid, _, sid, ref in rows}
    kinds: dict[str, str] = {}
    records_of: dict[str, set[str]] = {}
    for eid, kind, sid, _ in rows:
        kinds[eid] = kind
        records_of.setdefault(eid, set()).add(sid)
    # Name each neighbour by its mention in a record the user may read, never by
    # a display name that may come from a record they may not.
    labels: dict[str, str] = {}
    # The versions shown are the records' current ones: their source ids are known.
    source_of = {pm.mention.record_version_id: pm.record_source_id for pm in mentions}
    named_rows = records.Mention.objects.filter(
        record_version_id__in=sorted(source_of)
    ).values_list("record_version_id", *LabelFields._fields)
    for version, *fields in named_rows.order_by("record_version_id", "ref"):
        named = entity_of.get((source_of[version], fields[1]))
        if named is not None and named not in labels:
            labels[named] = mention_label(LabelFields(*fields))
    link_types: dict[str, set[str]] = {}
    for version, start, end, kind in records.Link.objects.filter(
        record_version_id__in=sorted(source_of)
    ).values_list("record_version_id", "from_ref", "to_ref", "type"):
        sid = source_of[version]
        for mine, theirs in ((start, end), (end, start)):
            other = entity_of.get((sid, theirs))
            if (sid, mine) in own and other is not None:
                link_types.setdefault(other, set()).add(kind.replace("_", " "))
    linked = [
        LinkedEntity(
            entity_id=eid,
            type=kinds[eid],
            label=labels.get(eid, eid),
            shared_records=len(shared),
            link_types=sorted(link_types.get(eid, ())),
        )
        for eid, shared in records_of.items()
    ]
    linked.sort(key=lambda le: (-le.shared_records, le.label.lower(), le.entity_id))
    return _Neighbourhood(linked=linked, records_of=records_of)


def _profile_name(entity: models.Entity, mentions: list[ProfileMention]) -> str:
    counts: dict[str, int] = {}
    for pm in mentions:
        label = mention_label(pm.mention)
        counts[label] = counts.get(label, 0) + 1
    return max(sorted(counts), key=lambda label: counts[label]) if counts else entity.entity_id


def entity_profile(*, entity_id: str, user: Any) -> EntityProfile | None:
    """An entity's attributes, timeline and linked entities, from records the user may read.

    Returns:
        None when there is no such entity, or the user may read none of its records.
    """
    entity = models.Entity.objects.filter(entity_id=entity_id).first()
    if entity is None:
        return None
    keys = list(entity.memberships.values_list("record_source_id", "ref"))
    mentions, withheld = _visible_mentions(user, keys)
    if not mentions:
        return None
    return EntityProfile(
        entity=entity,
        name=_profile_name(entity, mentions),
        mentions=mentions,
        withheld=withheld,
        attributes=_attributes(mentions),
        timeline=_timeline(entity.entity_id, mentions),
        linked=_neighbourhood(entity, mentions).linked,
    )


NETWORK_NEIGHBOURS = 40


def entity_network(
    *, entity_id: str, user: Any, limit: int = NETWORK_NEIGHBOURS
) -> dict[str, Any] | None:
    """The entity, its closest neighbours and who among them shares records, as
    nodes and edges (Cytoscape's shape); None as `entity_profile`."""
    entity = models.Entity.objects.filter(entity_id=entity_id).first()
    if entity is None:
        return None
    keys = list(entity.memberships.values_list("record_source_id", "ref"))
    mentions, withheld = _visible_mentions(user, keys)
    if not mentions:
        return None
    near = _neighbourhood(entity, mentions)
    shown = near.linked[:limit]
    nodes = [
        {
            "id": entity.entity_id,
            "label": _profile_name(entity, mentions),
            "type": entity.type,
            "centre": True,
        }
    ] + [{"id": le.entity_id, "label": le.label, "type": le.type, "centre": False} for le in shown]
    edges = [
        {
            "source": entity.entity_id,
            "target": le.entity_id,
            "records": le.shared_records,
            "label": ", ".join(le.link_types),
        }
        for le in shown
    ]
    ids = [le.entity_id for le in shown]
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            shared = near.records_of[a] & near.records_of[b]
            if shared:
                edges.append({"source": a, "target": b, "records": len(shared), "label": ""})
    return {
        "nodes": nodes,
        "edges": edges,
        "withheld": withheld,
        "more": max(len(near.linked) - len(shown), 0),
    }


@dataclass(frozen=True, slots=True)
class Subject:
    """An entity an alert is about, named by its mention in a record the user may read."""

    entity_id: str
    type: str
    label: str


def alert_subjects(*, alert: Any, user: Any) -> list[Subject]:
    """The alert's entities, named from the evidence the user may read; others left out."""
    keys = [(m["record_id"], m["ref"]) for m in alert.mentions]
    mentions, _ = _visible_mentions(user, keys)
    entity_of = {
        (sid, ref): (eid, kind)
        for sid, ref, eid, kind in models.EntityMention.objects.filter(
            record_source_id__in={pm.record_source_id for pm in mentions}
        ).values_list("record_source_id", "ref", "entity__entity_id", "entity__type")
    }
    subjects: dict[str, Subject] = {}
    for pm in mentions:
        found = entity_of.get((pm.record_source_id, pm.ref))
        if found is None or found[0] not in alert.entity_ids or found[0] in subjects:
            continue
        subjects[found[0]] = Subject(
            entity_id=found[0], type=found[1], label=mention_label(pm.mention)
        )
    return sorted(subjects.values(), key=lambda s: (s.type, s.label.lower()))


# --- Communities: Leiden over the entity graph, as the latest detection run stored them ---


@dataclass(frozen=True, slots=True)
class CommunityEdge:
    """Two members and the records the user may read that join them."""

    source: str
    target: str
    weight: float
    records: list[str]
    first: datetime
    last: datetime


@dataclass(slots=True)
class Community:
    """A Leiden community, as much of it as the user's records show."""

    key: str  # its smallest entity id: any member's page finds it
    number: int
    members: list[str]
    types: dict[str, int]
    adults: int
    children: int
    concern_records: int
    latest: datetime | None
    alert_id: str | None
    edges: list[CommunityEdge]
    withheld_edges: int
    labels: dict[str, str]
    record_pks: list[int]

    def as_network(self) -> dict[str, Any]:
        """Nodes and edges in Cytoscape's shape."""
        return {
            "nodes": [
                {
                    "id": e,
                    "label": self.labels.get(e, e),
                    "type": e.split("-", 1)[0],
                    "centre": False,
                }
                for e in self.members
            ],
            "edges": [
                {"source": e.source, "target": e.target, "records": len(e.records), "label": ""}
                for e in self.edges
            ],
            "withheld": self.withheld_edges,
            "more": 0,
        }


def _community(
    stored: StoredCommunities,
    found: StoredCommunity,
    visible: set[str],
    alerts: dict[str, str],
) -> Community | None:
    edges: list[CommunityEdge] = []
    withheld = 0
    for edge in found.edges:
        seen = sorted(r for r in edge.records if r in visible)
        if not seen:
            withheld += 1
            continue
        times = [edge.records[r] for r in seen]
        edges.append(
            CommunityEdge(edge.source, edge.target, edge.weight, seen, min(times), max(times))
        )
    shown = sorted({e.source for e in edges} | {e.target for e in edges})
    if not shown:
        return None
    concern = {r for e in edges for r in e.records}
    types: dict[str, int] = {}
    for entity_id in shown:
        kind = entity_id.split("-", 1)[0]
        types[kind] = types.get(kind, 0) + 1
    return Community(
        key=min(found.members),
        number=found.number,
        members=shown,
        types=types,
        adults=len(stored.adults.intersection(shown)),
        children=len(stored.children.intersection(shown)),
        concern_records=len(concern),
        latest=max((e.last for e in edges), default=None),
        alert_id=next((alerts[e] for e in shown if e in alerts), None),
        edges=sorted(edges, key=lambda e: (-len(e.records), e.source, e.target)),
        withheld_edges=withheld,
        labels={},
        record_pks=[],
    )


def _community_alerts() -> dict[str, str]:
    from vigil.web.alerts.models import Alert

    out: dict[str, str] = {}
    for alert_id, entity_ids in Alert.objects.filter(rule="exploitation_community").values_list(
        "alert_id", "entity_ids"
    ):
        for entity_id in entity_ids:
            out.setdefault(entity_id, alert_id)
    return out


@dataclass(frozen=True, slots=True)
class CommunityList:
    communities: list[Community]
    withheld: int  # communities none of whose records the user may read


COMMUNITY_ORDERS = {
    "size": lambda c: (-len(c.members), c.key),
    "records": lambda c: (-c.concern_records, c.key),
    "latest": lambda c: (-(c.latest.timestamp() if c.latest else 0), c.key),
    "children": lambda c: (-c.children, -len(c.members), c.key),
}


def _visible_records(communities: Iterable[StoredCommunity], user: Any) -> set[str]:
    everything = {r for c in communities for e in c.edges for r in e.records}
    return visible_source_ids(user, everything)


# The group's share of every community's records kept this long at most; a new
# record version or detection run starts afresh.
COMMUNITY_RECORDS_KEPT_SECONDS = 600


def _visible_in_run(
    stored: StoredCommunities, user: Any, parts: ReadableParts | None, latest: int | None
) -> set[str]:
    """The records of all the run's communities the user may read.

    Split as `readable_parts` splits need-to-know: what everyone in the user's
    group reads is worked out once for the group and kept until the records or
    the communities change; the user's own records beyond it each time.
    """
    if parts is None:
        return set()
    key = f"vigil:community-records:{parts.group}:{stored.run_id}:{latest}"

    def work_out() -> set[str]:
        everything = sorted({r for c in stored.communities for e in c.edges for r in e.records})
        found: set[str] = set()
        step = in_clause_limit()
        for start in range(0, len(everything), step):
            found.update(
                records.Record.objects.filter(source_id__in=everything[start : start + step])
                .filter(parts.shared)
                .values_list("source_id", flat=True)
            )
        return found

    shared = kept(key, work_out, COMMUNITY_RECORDS_KEPT_SECONDS)
    if not parts.extra_pks:
        return shared
    own = records.Record.objects.filter(pk__in=sorted(parts.extra_pks)).values_list(
        "source_id", flat=True
    )
    return shared | visible_source_ids(user, own)


@dataclass(slots=True)
class _GroupList:
    """A group's communities as built for its list page, and each order of them asked for."""

    built_at: float
    communities: list[Community]
    withheld: int
    orders: dict[str, list[Community]]


# Built lists for users who read no more than their group, kept in the process (no
# copying in and out of a cache: thousands of communities cost as much to copy as
# to build). Keyed by what they are built from, so a new run, record version or
# community alert builds afresh; a few groups at most, so the oldest is dropped.
_group_lists: dict[tuple[Any, ...], _GroupList] = {}
_GROUP_LISTS_KEPT = 16


def _build(
    stored: StoredCommunities, visible: set[str], alerts: dict[str, str]
) -> tuple[list[Community], int]:
    shown: list[Community] = []
    withheld = 0
    for members in stored.communities:
        found = _community(stored, members, visible, alerts)
        if found is None:
            withheld += 1
        else:
            shown.append(found)
    return shown, withheld


def _chosen(
    communities: list[Community], withheld: int, order: str, alerted_only: bool
) -> CommunityList:
    chosen = [c for c in communities if c.alert_id] if alerted_only else communities
    return CommunityList(
        communities=sorted(chosen, key=COMMUNITY_ORDERS.get(order, COMMUNITY_ORDERS["size"])),
        withheld=withheld,
    )


def community_list(*, user: Any, order: str = "size", alerted_only: bool = False) -> CommunityList:
    """Every community the latest detection run found, as much of each as the user may see."""
    stored = stored_communities()
    if stored is None:
        return CommunityList(communities=[], withheld=0)
    parts = readable_parts(user)
    latest = records.RecordVersion.objects.aggregate(n=Max("id"))["n"]
    if parts is None or parts.extra_pks:
        # Their own records beyond the group's: built for them alone.
        visible = _visible_in_run(stored, user, parts, latest)
        shown, withheld = _build(stored, visible, _community_alerts())
        return _chosen(shown, withheld, order, alerted_only)
    from vigil.web.alerts.models import Alert

    alerted = Alert.objects.filter(rule="exploitation_community").aggregate(
        n=Count("id"), last=Max("id")
    )
    key = (parts.group, stored.run_id, latest, alerted["n"], alerted["last"])
    now = time.monotonic()
    found = _group_lists.get(key)
    if found is None or now - found.built_at > COMMUNITY_RECORDS_KEPT_SECONDS:
        visible = _visible_in_run(stored, user, parts, latest)
        shown, withheld = _build(stored, visible, _community_alerts())
        found = _GroupList(built_at=now, communities=shown, withheld=withheld, orders={})
        if len(_group_lists) >= _GROUP_LISTS_KEPT:
            _group_lists.pop(next(iter(_group_lists)))
        _group_lists[key] = found
    wanted = (order if order in COMMUNITY_ORDERS else "size") + (":alerted" if alerted_only else "")
    ordered = found.orders.get(wanted)
    if ordered is None:
        ordered = _chosen(found.communities, found.withheld, order, alerted_only).communities
        found.orders[wanted] = ordered
    return CommunityList(communities=ordered, withheld=found.withheld)


def community_detail(*, entity_id: str, user: Any) -> Community | None:
    """The community holding this entity, its members named from records the user may read."""
    stored = stored_communities()
    if stored is None:
        return None
    number = community_number(stored.run_id, entity_id)
    if number is None:
        return None
    held = stored.communities[number - 1]
    # Only this community's records need checking against need-to-know.
    found = _community(stored, held, _visible_records([held], user), _community_alerts())
    if found is None:
        return None
    sources = {r for e in found.edges for r in e.records}
    entity_of = {
        (sid, ref): eid
        for sid, ref, eid in models.EntityMention.objects.filter(
            record_source_id__in=sources, entity__entity_id__in=found.members
        ).values_list("record_source_id", "ref", "entity__entity_id")
    }
    mentions, _ = _visible_mentions(user, list(entity_of))
    for pm in mentions:
        eid = entity_of.get((pm.record_source_id, pm.ref))
        if eid is not None and eid not in found.labels:
            found.labels[eid] = mention_label(pm.mention)
    found.record_pks = sorted({pm.record_pk for pm in mentions})
    return found
