"""Where a CASE package comes from: a file on disk or a CASE server's API.

A CASE server's address is downloaded only from the public internet (``core.public_http``):
loopback, private, link-local and other internal addresses are refused before connecting,
redirects included, unless their host is in ``CASE_URL_ALLOWED_HOSTS`` (empty in production).
"""

from __future__ import annotations

import os
import re
import urllib.parse
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from masterly.core.public_http import DownloadError, Limits, check_address, fetch_public
from masterly.integrations.case.limits import max_package_bytes, package_too_large
from masterly.integrations.case.reader import CaseFormatError

TIMEOUT_SECONDS = 30
TOTAL_SECONDS = 300
# A scheme of two letters or more ("file:", "ftp:", "http:"); "C:" is a Windows drive.
_SCHEME = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]+:")
READ_BLOCK = 1024 * 1024


class CaseSourceError(CaseFormatError):
    """The package could not be read from where it was said to be."""


def is_url(source: str) -> bool:
    """Whether ``source`` is meant as an address (of any scheme), not a path."""
    # os.path.isfile, unlike Path.is_file, answers False for a name too long to be a file.
    return bool(_SCHEME.match(source)) and not os.path.isfile(source)


def package_url(url: str) -> str:
    """A CFDocuments/{id} address means that document's package: CFPackages/{id}."""
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:  # not an address at all: the download check says what is wrong
        return url
    path = parts.path.replace("/CFDocuments/", "/CFPackages/")
    return urllib.parse.urlunsplit(parts._replace(path=path))


def download_limits() -> Limits:
    """A download is held to the same size as a file (CASE_MAX_PACKAGE_MB): it is parsed
    whole the same way, whichever way it came."""
    return Limits(
        max_bytes=max_package_bytes(),
        timeout_seconds=TIMEOUT_SECONDS,
        total_seconds=TOTAL_SECONDS,
    )


def _problem(error: DownloadError, url: str) -> CaseSourceError:
    if error.too_large:
        return CaseSourceError([package_too_large(url)])
    message = error.message
    if error.refused_address:
        message += " " + _(
            "A CASE server on the district's own network can be allowed by its host name with "
            "the CASE_URL_ALLOWED_HOSTS setting."
        )
    return CaseSourceError([message])


def check_url(url: str) -> None:
    """Refuse an address that is not http(s) or points inside the network (nothing fetched)."""
    try:
        check_address(package_url(url), allowed_hosts=settings.CASE_URL_ALLOWED_HOSTS)
    except DownloadError as error:
        raise _problem(error, url) from None


def fetch(url: str) -> bytes:
    """GET a CASE API CFPackages/{id} URL from a public address, streamed and size-capped."""
    try:
        return fetch_public(
            package_url(url),
            limits=download_limits(),
            accept="application/json",
            allowed_hosts=settings.CASE_URL_ALLOWED_HOSTS,
        )
    except DownloadError as error:
        raise _problem(error, url) from None


def read_source(source: str) -> bytes:
    """The bytes of a package from a path or a URL."""
    if is_url(source):
        return fetch(source)
    path = Path(source)
    if not path.is_file():
        raise CaseSourceError([f"There is no file {source}."])
    limit = max_package_bytes()
    if path.stat().st_size > limit:
        raise CaseSourceError([package_too_large(source)])
    # Read in blocks, never past the cap (the file may grow meanwhile): one read(limit) would
    # set aside the whole cap in memory, whatever the file's size.
    parts: list[bytes] = []
    total = 0
    with path.open("rb") as file:
        while total <= limit and (part := file.read(min(READ_BLOCK, limit + 1 - total))):
            parts.append(part)
            total += len(part)
    if total > limit:
        raise CaseSourceError([package_too_large(source)])
    return b"".join(parts)
