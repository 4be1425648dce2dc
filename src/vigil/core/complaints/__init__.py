"""The complaints and findings register's rules: states, deadlines, who may do what.

Plain Python: the web layer (vigil.web.complaints) stores complaints and
calls these rules before every change.
"""

from vigil.core.complaints.deadlines import Deadlines, add_working_days, load_deadlines
from vigil.core.complaints.escalation import (
    ActionState,
    Cause,
    ComplaintState,
    Due,
    FindingState,
    key_for,
    overdue,
)
from vigil.core.complaints.lifecycle import (
    MIN_REASON_CHARS,
    Act,
    ComplaintRuleError,
    Outcome,
    Response,
    Status,
    check_can_close,
    check_may,
    check_reason,
    check_second_person,
    may,
    next_status,
    roles_that_may,
    status_after_response,
)
from vigil.core.complaints.receipt import new_receipt_code, normalise_receipt, receipt_hash

__all__ = [
    "MIN_REASON_CHARS",
    "Act",
    "ActionState",
    "Cause",
    "ComplaintRuleError",
    "ComplaintState",
    "Deadlines",
    "Due",
    "FindingState",
    "Outcome",
    "Response",
    "Status",
    "add_working_days",
    "check_can_close",
    "check_may",
    "check_reason",
    "check_second_person",
    "key_for",
    "load_deadlines",
    "may",
    "new_receipt_code",
    "next_status",
    "normalise_receipt",
    "overdue",
    "receipt_hash",
    "roles_that_may",
    "status_after_response",
]
