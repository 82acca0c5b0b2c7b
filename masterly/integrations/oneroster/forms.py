from __future__ import annotations

from typing import IO, Any, cast

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext

from masterly.core.uploads import max_upload_bytes, too_large_message
from masterly.integrations.oneroster.archive import NotAZip, open_zip
from masterly.integrations.oneroster.errors import RosterImportRejected
from masterly.integrations.oneroster.limits import ImportLimits


class CappedUploadForm(forms.Form):
    """An upload held to ``MAX_UPLOAD_MB``, saying why when the handler cut it off."""

    file: forms.FileField

    def __init__(self, *args: Any, upload_too_large: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if upload_too_large:
            # The upload handler cut the file off as it arrived: say why it is missing.
            self.fields["file"].error_messages["required"] = too_large_message()

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if upload.size is not None and upload.size > max_upload_bytes():
            raise forms.ValidationError(too_large_message())
        return upload


class RosterUploadForm(CappedUploadForm):
    file = forms.FileField(
        label="OneRoster file (.zip)",
        help_text=(
            "The whole OneRoster 1.1 or 1.2 CSV bulk set, zipped: manifest.csv, orgs.csv, "
            "academicSessions.csv, courses.csv, classes.csv, users.csv, roles.csv (1.2), "
            "enrollments.csv and, if you have it, demographics.csv."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
    )
    dry_run = forms.BooleanField(
        required=False,
        label="Only check the files (change nothing)",
        help_text="Runs the whole import and then undoes it: you see what it would change.",
    )

    def clean_file(self) -> UploadedFile:
        upload = super().clean_file()
        # The zip's directory is checked now, so a cut-off zip or a zip bomb is refused
        # before it is stored or queued; its contents are checked as the import reads them.
        try:
            archive = open_zip(
                cast(IO[bytes], upload),
                name=upload.name or "upload.zip",
                limits=ImportLimits.from_settings(),
            )
        except NotAZip:
            raise forms.ValidationError(
                gettext(
                    "This is not a .zip file. Put the OneRoster CSV files (manifest.csv, "
                    "orgs.csv, users.csv, …) in one .zip and upload that."
                )
            ) from None
        except RosterImportRejected as rejected:
            raise forms.ValidationError([str(error) for error in rejected.errors]) from None
        archive.close()
        upload.seek(0)
        return upload


class ProgramsUploadForm(CappedUploadForm):
    file = forms.FileField(
        label="Program flags file (.csv)",
        help_text=(
            "One row per student: student_sourced_id,english_learner,iep,504,"
            "economically_disadvantaged, each flag yes, no, or empty to leave it as it is."
        ),
    )
    dry_run = forms.BooleanField(
        required=False,
        label="Only check the file (change nothing)",
        help_text="Checks every row and says what would change, then undoes it.",
    )
