"""The detection rules, one module each; `RULES` runs them in order."""

from __future__ import annotations

from collections.abc import Callable

from vigil.core.detect.evidence import Evidence
from vigil.core.detect.finding import Finding
from vigil.core.detect.graph import EntityGraph
from vigil.core.detect.rules import (
    adult_linked_to_children,
    exploitation_community,
    missing_with_association,
    multi_agency_concern,
    object_linked_to_children,
    recurring_concern_unactioned,
    repeated_no_further_action,
    victim_and_offender,
)

Rule = Callable[[Evidence, EntityGraph], list[Finding]]

RULES: dict[str, Rule] = {
    module.NAME: module.detect
    for module in (
        recurring_concern_unactioned,
        multi_agency_concern,
        adult_linked_to_children,
        object_linked_to_children,
        missing_with_association,
        victim_and_offender,
        repeated_no_further_action,
        exploitation_community,
    )
}
