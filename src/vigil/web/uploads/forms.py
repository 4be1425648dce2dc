from __future__ import annotations

from typing import Any

from django import forms

from vigil.web.uploads.models import Upload

MAX_UPLOAD_BYTES = 2 * 1024 * 1024 * 1024


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        choices=Upload.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what you are uploading"},
    )
    file = forms.FileField(error_messages={"required": "Select a file to upload"})
    mapping = forms.FileField(required=False)
    strict = forms.BooleanField(required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        file, kind = data.get("file"), data.get("kind")
        if file is not None and file.size > MAX_UPLOAD_BYTES:
            self.add_error("file", "The file must be smaller than 2 GB")
        if kind == Upload.Kind.BUNDLE and file is not None and not file.name.endswith(".zip"):
            self.add_error("file", "A bundle must be a .zip file")
        if kind == Upload.Kind.CSV:
            if file is not None and not file.name.lower().endswith(".csv"):
                self.add_error("file", "A CSV export must be a .csv file")
            if data.get("mapping") is None:
                self.add_error("mapping", "Select the mapping file (.yaml) for the CSV export")
        return data
