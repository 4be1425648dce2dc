"""(g) Repeated no-further-action decisions on the same subject, or one with no rationale."""

from __future__ import annotations

from collections import defaultdict

from vigil.core.detect.evidence import Evidence
from vigil.core.detect.finding import Finding, finding
from vigil.core.detect.graph import EntityGraph
from vigil.core.detect.inputs import Action, MentionKey

NAME = "repeated_no_further_action"
NFA = "no_further_action"


def detect(evidence: Evidence, graph: EntityGraph) -> list[Finding]:
    """Fires for a subject of concern records with `min_decisions` no-further-action
    decisions, or with one whose written rationale is shorter than `min_rationale_chars`."""
    settings = evidence.config.rule(NAME)
    least = int(settings["min_decisions"])
    shortest = int(settings["min_rationale_chars"])
    concerns = set(evidence.concerns)
    decisions: dict[str, list[Action]] = defaultdict(list)
    keys: dict[str, set[MentionKey]] = defaultdict(set)
    for action in evidence.actions:
        if action.kind != NFA:
            continue
        for key in _subjects(evidence, action, concerns):
            entity_id = evidence.entity_of[key]
            if action not in decisions[entity_id]:
                decisions[entity_id].append(action)
            keys[entity_id].add(key)
    findings = []
    for entity_id, made in decisions.items():
        made.sort(key=lambda a: (a.taken_at, a.action_id))
        bare = [a for a in made if len((a.rationale or "").strip()) < shortest]
        if len(made) < least and not bare:
            continue
        triggered = bare[0].taken_at if bare else made[least - 1].taken_at
        if bare and len(made) >= least:
            triggered = min(triggered, made[least - 1].taken_at)
        reasons = []
        if len(made) >= least:
            reasons.append(f"{len(made)} no-further-action decisions were made about this subject")
        if bare:
            reasons.append(f"{len(bare)} of them gave no written rationale")
        findings.append(
            finding(
                rule=NAME,
                subjects={entity_id},
                mentions=keys[entity_id],
                entity_of=evidence.entity_of,
                triggered_at=triggered,
                explanation=(
                    "; ".join(reasons)
                    if len(made) >= least
                    else "A no-further-action decision about this subject gave no written rationale"
                )
                + ".",
            )
        )
    return findings


def _subjects(evidence: Evidence, action: Action, concerns: set[str]) -> list[MentionKey]:
    """The action's named subjects in concern records, else whom its concern records are about."""
    named = [s for s in action.subjects if s[0] in concerns and s in evidence.entity_of]
    if named:
        return named
    roles = evidence.config.concern.child_roles | evidence.config.concern.adult_roles
    return [
        (record_id, m.ref)
        for record_id in action.record_ids
        if record_id in concerns
        for m in evidence.involved(record_id)
        if m.type == "person" and m.role in roles
    ]
