from __future__ import annotations

from django import forms

from vigil.web.records.access import MIN_REASON
from vigil.web.records.models import AccessGrant
from vigil.web.records.search import SearchKind


class SearchForm(forms.Form):
    kind = forms.ChoiceField(
        label="What are you searching for?",
        choices=[(k.value, k.label) for k in SearchKind],
        initial=SearchKind.NAME.value,
    )
    q = forms.CharField(
        label="Search for",
        max_length=200,
        help_text="For a partial plate, write ? for each unknown character, as in YB02 K??",
    )
    agency = forms.CharField(required=False, max_length=64)
    sort = forms.ChoiceField(
        required=False, choices=[("match", "Strongest match"), ("recorded", "Newest record")]
    )


class RunFilterForm(forms.Form):
    status = forms.ChoiceField(
        required=False,
        choices=[
            ("", "Any"),
            ("completed", "Completed"),
            ("refused", "Refused"),
            ("interrupted", "Interrupted"),
            ("running", "Running"),
        ],
    )
    order = forms.ChoiceField(
        required=False, choices=[("newest", "Newest first"), ("oldest", "Oldest first")]
    )


class AccessReasonForm(forms.Form):
    """Why a user needs a record they are refused."""

    reason = forms.CharField(
        label="Why do you need to read this record?",
        help_text=(
            "Say what you are doing and why this record matters to it. "
            "Your reason is kept and may be reviewed."
        ),
        min_length=MIN_REASON,
        max_length=2000,
        widget=forms.Textarea,
    )


class BreakGlassReviewForm(forms.Form):
    """A reviewer's verdict on one break-glass use."""

    outcome = forms.ChoiceField(
        label="Was this use justified?", choices=AccessGrant.Outcome.choices
    )
    note = forms.CharField(label="Note (optional)", required=False, max_length=2000)


class BreakGlassFilterForm(forms.Form):
    show = forms.ChoiceField(
        required=False, choices=[("pending", "Waiting for review"), ("all", "All uses")]
    )
