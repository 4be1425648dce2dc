"""(a) Recurring concern about the same person, none answered by a qualifying action in time."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from vigil.core.detect.evidence import Evidence
from vigil.core.detect.finding import Finding, finding, plural
from vigil.core.detect.graph import EntityGraph
from vigil.core.detect.inputs import MentionKey

NAME = "recurring_concern_unactioned"


def detect(evidence: Evidence, graph: EntityGraph) -> list[Finding]:
    """Fires for a person named in `min_concerns` or more concern records, each of
    which passed its SLA with no qualifying action on the record or the person."""
    settings = evidence.config.rule(NAME)
    sla = timedelta(days=int(settings["sla_days"]))
    qualifying = evidence.config.qualifying_actions
    roles = evidence.config.concern.child_roles | evidence.config.concern.adult_roles
    unanswered: dict[str, list[MentionKey]] = defaultdict(list)
    for record_id in evidence.concerns:
        due = evidence.time(record_id) + sla
        if due > evidence.as_of:
            continue  # still within its SLA
        for mention in evidence.involved(record_id):
            if mention.type != "person" or mention.role not in roles:
                continue
            answers = evidence.actions_on_record.get(
                record_id, []
            ) + evidence.actions_on_entity.get(mention.entity_id, [])
            if any(
                a.kind in qualifying and evidence.time(record_id) <= a.taken_at <= due
                for a in answers
            ):
                continue
            unanswered[mention.entity_id].append((record_id, mention.ref))
    findings = []
    for entity_id, keys in unanswered.items():
        records = sorted({k[0] for k in keys}, key=lambda r: (evidence.time(r), r))
        if len(records) < int(settings["min_concerns"]):
            continue
        triggered = evidence.time(records[int(settings["min_concerns"]) - 1]) + sla
        findings.append(
            finding(
                rule=NAME,
                subjects={entity_id},
                mentions=set(keys),
                entity_of=evidence.entity_of,
                triggered_at=triggered,
                explanation=(
                    f"The same person is named in {plural(len(records), 'concern record')} "
                    f"and none drew an investigation, plan or other qualifying action "
                    f"within {sla.days} days."
                ),
            )
        )
    return findings
