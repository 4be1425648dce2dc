"""The bundle v1 contract: types, parsing and the reasons a line is refused."""

from vigil.core.contract.errors import ContractError, Rejection
from vigil.core.contract.parse import parse_access, parse_action, parse_record, parse_staff
from vigil.core.contract.types import (
    ACTION_KINDS,
    MENTION_ROLES,
    MENTION_TYPES,
    RECORD_KINDS,
    STATISTICS_ONLY_FIELDS,
    Access,
    Action,
    Link,
    Mention,
    Record,
    Staff,
    Subject,
)

__all__ = [
    "ACTION_KINDS",
    "MENTION_ROLES",
    "MENTION_TYPES",
    "RECORD_KINDS",
    "STATISTICS_ONLY_FIELDS",
    "Access",
    "Action",
    "ContractError",
    "Link",
    "Mention",
    "Record",
    "Rejection",
    "Staff",
    "Subject",
    "parse_access",
    "parse_action",
    "parse_record",
    "parse_staff",
]
