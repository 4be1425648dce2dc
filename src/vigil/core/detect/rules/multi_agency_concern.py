"""(b) Concerns about the same subject from two or more agencies."""

from __future__ import annotations

from collections import defaultdict

from vigil.core.detect.evidence import Evidence
from vigil.core.detect.finding import Finding, finding
from vigil.core.detect.graph import EntityGraph
from vigil.core.detect.inputs import MentionKey

NAME = "multi_agency_concern"


def detect(evidence: Evidence, graph: EntityGraph) -> list[Finding]:
    """Fires for a person named in concern records held by `min_agencies` or more agencies."""
    least = int(evidence.config.rule(NAME)["min_agencies"])
    seen: dict[str, list[MentionKey]] = defaultdict(list)
    for record_id in evidence.concerns:
        for mention in evidence.involved(record_id):
            if mention.type == "person":
                seen[mention.entity_id].append((record_id, mention.ref))
    findings = []
    for entity_id, keys in seen.items():
        first_by_agency: dict[str, str] = {}
        for record_id, _ in keys:  # concern records come oldest first
            first_by_agency.setdefault(evidence.records[record_id].agency, record_id)
        if len(first_by_agency) < least:
            continue
        firsts = sorted(evidence.time(r) for r in first_by_agency.values())
        agencies = ", ".join(sorted(first_by_agency)).replace("_", " ")
        findings.append(
            finding(
                rule=NAME,
                subjects={entity_id},
                mentions=set(keys),
                entity_of=evidence.entity_of,
                triggered_at=firsts[least - 1],
                explanation=(
                    f"{len(first_by_agency)} agencies ({agencies}) each hold concern records "
                    f"about the same person."
                ),
            )
        )
    return findings
