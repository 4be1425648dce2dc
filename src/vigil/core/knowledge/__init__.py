"""Who knew what, when: a chronology of knowledge about an entity or network, and its summary."""

from vigil.core.knowledge.chronology import (
    DECISION_KINDS,
    EventKind,
    KnowledgeEvent,
    build_chronology,
)
from vigil.core.knowledge.facts import (
    ActionFact,
    KnowledgeFacts,
    ReadFact,
    RecordFact,
    StaffFact,
)
from vigil.core.knowledge.render import (
    report_as_csv,
    report_as_dict,
    report_as_html,
)
from vigil.core.knowledge.summary import (
    QUALIFYING_ACTIONS,
    FirstAction,
    KnowledgeSummary,
    NoFurtherAction,
    summarise,
)

__all__ = [
    "DECISION_KINDS",
    "QUALIFYING_ACTIONS",
    "ActionFact",
    "EventKind",
    "FirstAction",
    "KnowledgeEvent",
    "KnowledgeFacts",
    "KnowledgeSummary",
    "NoFurtherAction",
    "ReadFact",
    "RecordFact",
    "StaffFact",
    "build_chronology",
    "report_as_csv",
    "report_as_dict",
    "report_as_html",
    "summarise",
]
