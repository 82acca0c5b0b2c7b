from __future__ import annotations

from typing import Any

from django import forms

MAX_UPLOAD_MB = 50


class CaseImportForm(forms.Form):
    package = forms.FileField(
        label="CASE package file",
        required=False,
        help_text="A CFPackage JSON file exported from a CASE server (CASE 1.0 or 1.1).",
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
    )
    url = forms.URLField(
        label="…or its address",
        required=False,
        assume_scheme="https",
        help_text="A CASE API address ending in CFPackages/{identifier}.",
    )

    def clean_package(self) -> Any:
        upload = self.cleaned_data.get("package")
        if upload and upload.size > MAX_UPLOAD_MB * 1024 * 1024:
            raise forms.ValidationError(
                f"This file is larger than {MAX_UPLOAD_MB} MB; give the package's address instead."
            )
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("package")) == bool(data.get("url")):
            raise forms.ValidationError("Choose a package file or give its address (one of them).")
        return data
