from __future__ import annotations

from django import forms


class DraftForm(forms.Form):
    entities = forms.CharField(
        label="Entities",
        max_length=5000,
        help_text="One entity id, or every entity id of a network, with spaces between.",
    )
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="Redacted like the rest: a name written here will not be published.",
    )

    def entity_ids(self) -> list[str]:
        return [part for part in self.cleaned_data["entities"].replace(",", " ").split() if part]
