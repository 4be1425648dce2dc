"""Detection: the entity graph, named rules, harm and priority.

The public surface is re-exported here; the modules behind it may change.
"""

from vigil.core.detect.config import DetectConfig, load_config
from vigil.core.detect.finding import Finding
from vigil.core.detect.harm import HarmIndex, load_harm
from vigil.core.detect.inputs import (
    Action,
    DetectInput,
    Link,
    Mention,
    Record,
    occurred_date,
    read_bundle_inputs,
)
from vigil.core.detect.priority import Priority
from vigil.core.detect.rules import RULES
from vigil.core.detect.run import Alert, Detector, detect

__all__ = [
    "RULES",
    "Action",
    "Alert",
    "DetectConfig",
    "DetectInput",
    "Detector",
    "Finding",
    "HarmIndex",
    "Link",
    "Mention",
    "Priority",
    "Record",
    "detect",
    "load_config",
    "load_harm",
    "occurred_date",
    "read_bundle_inputs",
]
