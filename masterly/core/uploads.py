"""The one size limit on uploaded files (``MAX_UPLOAD_MB``), enforced while the body arrives.

``UploadLimitHandler`` is the first of ``FILE_UPLOAD_HANDLERS``: a file past the limit is cut
off before any handler stores a byte of it (not even a temporary file), the rest of the body is
read and dropped, and the request is marked so the form can say why its file is missing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest
from django.utils.translation import gettext

# The multipart framing and the form's other fields around the file: a request this much
# larger than the limit cannot hold a file within it.
FRAMING_BYTES = 64 * 1024
REFUSED_MARK = "masterly_upload_too_large"


def max_upload_bytes() -> int:
    return int(settings.MAX_UPLOAD_MB) * 1024 * 1024


def upload_too_large(request: HttpRequest) -> bool:
    """True when this request's file was refused for its size (read after request.FILES)."""
    request.FILES  # noqa: B018 (parsing the body is what runs the handler)
    return bool(getattr(request, REFUSED_MARK, False))


FormT = TypeVar("FormT", bound=forms.Form)


def upload_form(form_class: Callable[..., FormT], request: HttpRequest) -> FormT:
    """The upload form, bound to a POST (told whether its file was cut off for its size)."""
    if request.method != "POST":
        return form_class()
    return form_class(request.POST, request.FILES, upload_too_large=upload_too_large(request))


def too_large_message() -> str:
    return gettext(
        "This file is larger than %(mb)s MB, the largest upload this server accepts "
        "(MAX_UPLOAD_MB). Nothing was stored. Split the file, or ask whoever runs Masterly to "
        "raise the limit."
    ) % {"mb": settings.MAX_UPLOAD_MB}


class UploadLimitHandler(FileUploadHandler):
    """Refuses a file once the request or the file itself is larger than ``MAX_UPLOAD_MB``."""

    def handle_raw_input(
        self,
        input_data: Any,
        META: Any,
        content_length: int,
        boundary: Any,
        encoding: str | None = None,
    ) -> None:
        self.limit = max_upload_bytes()
        self.request_length = content_length or 0

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        if self.request_length > self.limit + FRAMING_BYTES:
            self._refuse()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > self.limit:
            self._refuse()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler (memory or temporary file) builds the file

    def _refuse(self) -> None:
        if self.request is not None:
            setattr(self.request, REFUSED_MARK, True)
        # connection_reset=False: the rest of the body is read and dropped, so the browser
        # gets the page that says why instead of a broken connection.
        raise StopUpload(connection_reset=False)
