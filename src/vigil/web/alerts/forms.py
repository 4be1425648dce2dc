"""The alert queue's filters and the decisions an alert page takes."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth import get_user_model

from vigil.web.alerts.models import Alert

ORDERS = (
    ("priority", "Priority, highest first"),
    ("raised", "Raised, newest first"),
    ("raised_oldest", "Raised, oldest first"),
    ("updated", "Updated, newest first"),
)
BANDS = (("", "Any priority"), ("high", "High"), ("medium", "Medium"), ("low", "Low"))


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="Status", required=False, choices=(("", "Any status"), *Alert.Status.choices)
    )
    rule = forms.ChoiceField(label="Rule", required=False)
    band = forms.ChoiceField(label="Priority", required=False, choices=BANDS)
    mine = forms.BooleanField(label="Assigned to me", required=False)
    escalated = forms.BooleanField(label="Escalated", required=False)
    sort = forms.ChoiceField(label="Sort by", required=False, choices=ORDERS)

    def __init__(self, *args: Any, rules: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["rule"]).choices = [("", "Any rule")] + [
            (rule, rule.replace("_", " ").capitalize()) for rule in rules
        ]


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label="Assign to",
        queryset=get_user_model().objects.filter(profile__isnull=False).order_by("email"),
        empty_label=None,
    )


class ActionForm(forms.Form):
    note = forms.CharField(
        label="What action was taken",
        help_text="For example: strategy meeting held, child protection enquiry opened",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4_000,
        error_messages={"required": "Enter what action was taken"},
    )


class NfaProposeForm(forms.Form):
    rationale = forms.CharField(
        label="Why no further action",
        help_text=(
            "A supervisor reads this before approving. Say what was checked and why it is enough."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4_000,
        error_messages={"required": "Enter why no further action is needed"},
    )


class NfaApproveForm(forms.Form):
    """Approval carries no fields: the approver and the moment are the record."""


class EscalationForm(forms.Form):
    note = forms.CharField(
        label="How you dealt with it",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2_000,
        error_messages={"required": "Enter how you dealt with the escalation"},
    )
    reopen = forms.BooleanField(label="Reopen the alert", required=False)


class NfaRejectForm(forms.Form):
    reason = forms.CharField(
        label="Why send it back",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2_000,
        error_messages={"required": "Enter why no further action is not approved"},
    )
