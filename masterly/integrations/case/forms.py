from __future__ import annotations

from typing import Any

from django import forms

from masterly.core.uploads import too_large_message
from masterly.integrations.case.limits import max_package_bytes, package_too_large
from masterly.integrations.case.sources import CaseSourceError, check_url


class CaseAddressField(forms.URLField):
    """An address typed without a scheme means https; whether it may be fetched is checked by
    ``sources.check_url`` (scheme, host, where the host points), with its own clear messages."""

    default_validators: list[Any] = []


class CaseImportForm(forms.Form):
    package = forms.FileField(
        label="CASE package file",
        required=False,
        help_text="A CFPackage JSON file exported from a CASE server (CASE 1.0 or 1.1).",
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
    )
    url = CaseAddressField(
        label="…or its address",
        required=False,
        max_length=1000,
        assume_scheme="https",
        help_text="A CASE API address ending in CFPackages/{identifier}.",
    )

    def __init__(self, *args: Any, upload_too_large: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The upload handler cut the file off as it arrived (MAX_UPLOAD_MB): say why it is gone.
        self.upload_too_large = upload_too_large

    def clean_package(self) -> Any:
        upload = self.cleaned_data.get("package")
        if upload and upload.size > max_package_bytes():
            raise forms.ValidationError(package_too_large(upload.name or "This file"))
        return upload

    def clean_url(self) -> str:
        url: str = self.cleaned_data.get("url") or ""
        if url:
            try:
                check_url(url)
            except CaseSourceError as error:
                raise forms.ValidationError(error.problems) from None
        return url

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.upload_too_large:
            self.add_error("package", too_large_message())
            return data
        if self.has_error("package") or self.has_error("url"):
            return data  # its own message says what is wrong
        if bool(data.get("package")) == bool(data.get("url")):
            raise forms.ValidationError("Choose a package file or give its address (one of them).")
        return data
