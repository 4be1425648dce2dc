"""The register's forms. Checking beyond the fields' own (reasons, lifecycle) is in the core."""

from __future__ import annotations

from django import forms

from vigil.core.complaints import MIN_REASON_CHARS, Outcome, Response, Status
from vigil.web.complaints.selectors import SORTS
from vigil.web.complaints.services import MAX_SUMMARY, MAX_TEXT

_REASON_HINT = f"At least {MIN_REASON_CHARS} characters. This is kept with the complaint."


def _text(label: str, help_text: str = "", required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class ComplaintForm(forms.Form):
    summary = forms.CharField(
        label="What is your complaint about?",
        help_text="One line, for example: my report about a missing child was not acted on.",
        max_length=MAX_SUMMARY,
    )
    details = _text(
        "Tell us what happened",
        "Say what happened, when, and who was involved, as far as you know.",
    )
    about_agency = forms.CharField(
        label="Which organisation is it about? (optional)", required=False, max_length=64
    )
    complainant_name = forms.CharField(
        label="Your name (optional)",
        help_text="Leave this blank to stay anonymous.",
        required=False,
        max_length=200,
    )
    complainant_contact = forms.CharField(
        label="How can we contact you? (optional)",
        help_text="An email address or telephone number. Leave blank to stay anonymous.",
        required=False,
        max_length=200,
    )


class StaffComplaintForm(ComplaintForm):
    for_someone_else = forms.BooleanField(
        label="I am recording someone else's complaint (for example, made by telephone)",
        required=False,
    )


class ReceiptForm(forms.Form):
    receipt_code = forms.CharField(
        label="Your receipt code",
        help_text="The 20-character code you were given, for example ABCD-EFGH-JKLM-NPQR-STUV.",
        max_length=40,
    )


class AddInformationForm(forms.Form):
    receipt_code = forms.CharField(widget=forms.HiddenInput, max_length=40)
    text = _text("Add information to your complaint")


class ListFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any status"), *((s.value, s.label) for s in Status)],
    )
    escalated = forms.BooleanField(label="Only with an open escalation", required=False)
    overdue = forms.BooleanField(label="Only overdue", required=False)
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=[
            ("newest", "Newest first"),
            ("oldest", "Oldest first"),
            ("findings_due", "Findings due soonest"),
            ("status", "Status"),
        ],
    )

    def clean_sort(self) -> str:
        sort: str = self.cleaned_data.get("sort") or "newest"
        return sort if sort in SORTS else "newest"


class FindingForm(forms.Form):
    outcome = forms.ChoiceField(label="Finding", choices=[(o.value, o.label) for o in Outcome])
    reasons = _text("Reasons for the finding", _REASON_HINT)


class ResponseForm(forms.Form):
    response = forms.ChoiceField(
        label="The organisation's response", choices=[(r.value, r.label) for r in Response]
    )
    reasons = _text("Reasons for the response", _REASON_HINT)


class NoteForm(forms.Form):
    text = _text("Note")


class RecommendationForm(forms.Form):
    text = _text("Recommendation")


class CompletionForm(forms.Form):
    text = _text("What was done", _REASON_HINT)


class ReasonForm(forms.Form):
    reason = _text("Reason", _REASON_HINT)


class ActionForm(forms.Form):
    description = _text("What will be done")
    due_on = forms.DateField(
        label="Due by",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="For example 2027-03-31.",
    )


class DecisionForm(forms.Form):
    approve = forms.TypedChoiceField(
        label="Decision",
        choices=[("yes", "Approve the designation"), ("no", "Refuse the designation")],
        coerce=lambda value: value == "yes",
    )
    reason = _text("Reason for the decision", _REASON_HINT)
