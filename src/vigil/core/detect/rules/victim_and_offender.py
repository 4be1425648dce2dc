"""(f) A child recorded as a victim in one record and as an offender in another."""

from __future__ import annotations

from collections import defaultdict

from vigil.core.detect.evidence import Evidence
from vigil.core.detect.finding import Finding, finding
from vigil.core.detect.graph import EntityGraph
from vigil.core.detect.inputs import MentionKey

NAME = "victim_and_offender"


def detect(evidence: Evidence, graph: EntityGraph) -> list[Finding]:
    """Fires for a child who is a victim in a concern record and, while still a child,
    a suspect in a different record: the victim treated as the offender."""
    offender_roles = set(evidence.config.rule(NAME)["offender_roles"])
    concerns = set(evidence.concerns)
    as_victim: dict[str, list[MentionKey]] = defaultdict(list)
    as_offender: dict[str, list[MentionKey]] = defaultdict(list)
    for record_id, mentions in evidence.mentions.items():
        for m in mentions:
            if m.type != "person" or not evidence.is_child(m):
                continue
            if m.role == "victim" and record_id in concerns:
                as_victim[m.entity_id].append((record_id, m.ref))
            elif m.role in offender_roles:
                as_offender[m.entity_id].append((record_id, m.ref))
    findings = []
    for child_id, victim_keys in as_victim.items():
        offender_keys = [k for k in as_offender.get(child_id, ()) if k[0] not in dict(victim_keys)]
        if not offender_keys:
            continue
        both = set(victim_keys) | set(offender_keys)
        firsts = (
            min(evidence.time(r) for r, _ in victim_keys),
            min(evidence.time(r) for r, _ in offender_keys),
        )
        findings.append(
            finding(
                rule=NAME,
                subjects={child_id},
                mentions=both,
                entity_of=evidence.entity_of,
                triggered_at=max(firsts),
                explanation=(
                    f"A child recorded as the victim in {len(victim_keys)} concern record(s) is "
                    f"recorded as the suspect in {len(offender_keys)} other record(s)."
                ),
            )
        )
    return findings
