"""Where a CASE package comes from: a file on disk or a CASE server's API."""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from masterly.integrations.case.reader import CaseFormatError

TIMEOUT_SECONDS = 30
MAX_BYTES = 100 * 1024 * 1024


class CaseSourceError(CaseFormatError):
    """The package could not be read from where it was said to be."""


def is_url(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))


def package_url(url: str) -> str:
    """A CFDocuments/{id} address means that document's package: CFPackages/{id}."""
    parts = urllib.parse.urlsplit(url)
    path = parts.path.replace("/CFDocuments/", "/CFPackages/")
    return urllib.parse.urlunsplit(parts._replace(path=path))


def fetch(url: str) -> bytes:
    """GET a CASE API CFPackages/{id} URL (http or https only, with a timeout)."""
    if not is_url(url):
        raise CaseSourceError([f"{url} is not an http:// or https:// address."])
    request = urllib.request.Request(  # noqa: S310 (the scheme is checked above)
        package_url(url), headers={"Accept": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            data: bytes = response.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as error:
        raise CaseSourceError(
            [f"The CASE server answered {error.code} {error.reason} for {url}. Check the address."]
        ) from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise CaseSourceError(
            [f"Could not download {url}: {reason}. Check the address and the network."]
        ) from None
    if len(data) > MAX_BYTES:
        raise CaseSourceError([f"{url} is larger than {MAX_BYTES // (1024 * 1024)} MB."])
    return data


def read_source(source: str) -> bytes:
    """The bytes of a package from a path or a URL."""
    if is_url(source):
        return fetch(source)
    path = Path(source)
    if not path.is_file():
        raise CaseSourceError([f"There is no file {source}."])
    return path.read_bytes()
