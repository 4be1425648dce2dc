"""(e) A child repeatedly missing, and associated with an adult, vehicle or address."""

from __future__ import annotations

from collections import defaultdict

from vigil.core.detect.evidence import Evidence
from vigil.core.detect.finding import Finding, finding, plural
from vigil.core.detect.graph import EntityGraph
from vigil.core.detect.inputs import MentionKey

NAME = "missing_with_association"
_WORDS = {"person": "an adult", "vehicle": "a vehicle", "address": "an address"}


def detect(evidence: Evidence, graph: EntityGraph) -> list[Finding]:
    """Fires for a child with `min_missing` missing episodes who is named or linked, in a
    missing episode or a concern record, with an adult, a vehicle or an address
    (reporters, professionals and family links do not count)."""
    settings = evidence.config.rule(NAME)
    least = int(settings["min_missing"])
    types = set(settings["association_types"])
    concerns = set(evidence.concerns)
    missing: dict[str, list[MentionKey]] = defaultdict(list)
    associated: dict[str, set[MentionKey]] = defaultdict(set)
    for record_id, record in evidence.records.items():
        is_missing = record.kind == "missing_episode"
        if not is_missing and record_id not in concerns:
            continue
        children = evidence.children(record_id)
        for child in children:
            if is_missing:
                missing[child.entity_id].append((record_id, child.ref))
            for other in _associates(evidence, record_id, child.ref, types):
                associated[child.entity_id].update({(record_id, child.ref), other})
    findings = []
    for child_id, episodes in missing.items():
        if len(episodes) < least or not associated.get(child_id):
            continue
        times = sorted(evidence.time(r) for r, _ in episodes)
        first_association = min(evidence.time(r) for r, _ in associated[child_id])
        kinds = sorted({evidence.entity_type[evidence.entity_of[k]] for k in associated[child_id]})
        findings.append(
            finding(
                rule=NAME,
                subjects={child_id},
                mentions=set(episodes) | associated[child_id],
                entity_of=evidence.entity_of,
                triggered_at=max(times[least - 1], first_association),
                explanation=(
                    f"A child has been reported missing {plural(len(episodes), 'time')} and is "
                    f"associated in the records with {', '.join(_WORDS.get(k, k) for k in kinds)}."
                ),
            )
        )
    return findings


def _associates(
    evidence: Evidence, record_id: str, child_ref: str, types: set[str]
) -> list[MentionKey]:
    """Mentions in the record associated with the child: adults and places, or anything linked."""
    ignored_links = evidence.config.concern.ignored_link_types
    out = []
    linked_refs = set()
    for link in evidence.links.get(record_id, ()):
        if link.type in ignored_links:
            continue
        if link.from_ref == child_ref:
            linked_refs.add(link.to_ref)
        elif link.to_ref == child_ref:
            linked_refs.add(link.from_ref)
    for mention in evidence.involved(record_id):
        if mention.ref == child_ref or mention.type not in types:
            continue
        if mention.type == "person" and evidence.is_child(mention):
            continue
        role_says = mention.role in evidence.config.concern.adult_roles
        if role_says or mention.ref in linked_refs or mention.type != "person":
            out.append((record_id, mention.ref))
    return out
