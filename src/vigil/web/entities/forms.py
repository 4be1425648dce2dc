"""Forms on the entity profile: which two mentions to explain, and a judgement on them."""

from __future__ import annotations

from typing import Any, cast

from django import forms

VERDICTS = (("same", "The same"), ("not_same", "Not the same"))


class PairForm(forms.Form):
    """Two of the entity's mentions, named `record pk:ref`."""

    left = forms.ChoiceField(label="First mention")
    right = forms.ChoiceField(label="Second mention")

    def __init__(self, *args: Any, mentions: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("left", "right"):
            cast(forms.ChoiceField, self.fields[name]).choices = mentions

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("left") and data.get("left") == data.get("right"):
            self.add_error("right", "Choose two different mentions")
        return data


class JudgementForm(PairForm):
    """An analyst's word that two mentions are, or are not, the same."""

    verdict = forms.ChoiceField(
        label="Are they the same?", choices=VERDICTS, widget=forms.RadioSelect
    )
    rationale = forms.CharField(
        label="Why",
        help_text="Say what you know that linkage does not, for whoever reads this later",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2_000,
        error_messages={"required": "Enter why you judge them so"},
    )
