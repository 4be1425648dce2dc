"""(b) Concerns about the same subject from two or more agencies."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from vigil.core.detect.evidence import Evidence
from vigil.core.detect.finding import Finding, finding
from vigil.core.detect.graph import EntityGraph
from vigil.core.detect.inputs import MentionKey

NAME = "multi_agency_concern"


def detect(evidence: Evidence, graph: EntityGraph) -> list[Finding]:
    """Fires for a person named in concern records held by `min_agencies` or more agencies.

    Once a person is named in a concern record, an agency's other records about them
    count as that agency's concern too (`also_count`): intelligence or a complaint
    naming an adult as its subject, or a missing episode, case note, referral or
    meeting about a child. Police intelligence on a man, or a health note about a
    girl, is the second agency's worry that was never joined to the first. Such
    records alone never fire: someone must hold a concern record proper.
    """
    settings = evidence.config.rule(NAME)
    least = int(settings["min_agencies"])
    seen: dict[str, list[MentionKey]] = defaultdict(list)
    for record_id in evidence.concerns:
        for mention in evidence.involved(record_id):
            if mention.type == "person":
                seen[mention.entity_id].append((record_id, mention.ref))
    also = _also_counted(evidence, seen, settings.get("also_count") or {})
    findings = []
    for entity_id, keys in seen.items():
        evidence_keys = set(keys) | set(also.get(entity_id, ()))
        first_by_agency: dict[str, str] = {}
        for record_id, _ in sorted(evidence_keys, key=lambda k: (evidence.time(k[0]), k)):
            first_by_agency.setdefault(evidence.records[record_id].agency, record_id)
        if len(first_by_agency) < least:
            continue
        firsts = sorted(evidence.time(r) for r in first_by_agency.values())
        agencies = ", ".join(sorted(first_by_agency)).replace("_", " ")
        findings.append(
            finding(
                rule=NAME,
                subjects={entity_id},
                mentions=evidence_keys,
                entity_of=evidence.entity_of,
                triggered_at=firsts[least - 1],
                explanation=(
                    f"{len(first_by_agency)} agencies ({agencies}) each hold concern records "
                    f"or other records of concern about the same person."
                ),
            )
        )
    return findings


def _also_counted(
    evidence: Evidence, seen: Mapping[str, object], also: Mapping[str, Any]
) -> dict[str, list[MentionKey]]:
    """Mentions, outside concern records, of people already in one, that `also_count` admits."""
    adult = also.get("adult") or {}
    child = also.get("child") or {}
    adult_kinds, adult_roles = set(adult.get("kinds", ())), set(adult.get("roles", ()))
    child_kinds, child_roles = set(child.get("kinds", ())), set(child.get("roles", ()))
    kinds = adult_kinds | child_kinds
    out: dict[str, list[MentionKey]] = defaultdict(list)
    if not kinds:
        return out
    concerns = set(evidence.concerns)
    for record_id, record in evidence.records.items():
        if record.kind not in kinds or record_id in concerns:
            continue
        for m in evidence.mentions.get(record_id, ()):
            if m.type != "person" or m.entity_id not in seen:
                continue
            if evidence.is_child(m):
                counts = record.kind in child_kinds and m.role in child_roles
            else:  # an adult, or age unknown: not known to be a child
                counts = record.kind in adult_kinds and m.role in adult_roles
            if counts:
                out[m.entity_id].append((record_id, m.ref))
    return out
