from __future__ import annotations

import zipfile

from django import forms
from django.core.files.uploadedfile import UploadedFile


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label="OneRoster file (.zip)",
        help_text=(
            "The whole OneRoster 1.1 or 1.2 CSV bulk set, zipped: manifest.csv, orgs.csv, "
            "academicSessions.csv, courses.csv, classes.csv, users.csv, roles.csv (1.2) and "
            "enrollments.csv."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
    )
    dry_run = forms.BooleanField(
        required=False,
        label="Only check the files (change nothing)",
        help_text="Runs the whole import and then undoes it: you see what it would change.",
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if not zipfile.is_zipfile(upload):
            raise forms.ValidationError(
                "This is not a .zip file. Put the OneRoster CSV files (manifest.csv, orgs.csv, "
                "users.csv, …) in one .zip and upload that."
            )
        upload.seek(0)
        return upload
