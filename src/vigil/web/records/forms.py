from __future__ import annotations

from django import forms

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
