from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from masterly.assessments.items.models import Scope
from masterly.core.uploads import too_large_message
from masterly.integrations.qti.limits import max_package_bytes, package_too_large


class QtiImportForm(forms.Form):
    package = forms.FileField(
        label=_("QTI package (.zip)"),
        help_text=_(
            "A QTI 3 (or 2.1/2.2) content package: a .zip with imsmanifest.xml at its top."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
    )
    scope = forms.ChoiceField(
        label=_("Share the new items with"), choices=Scope.choices, initial=Scope.OWN
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

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.upload_too_large:
            self.errors.pop("package", None)
            self.add_error("package", too_large_message())
        return data
