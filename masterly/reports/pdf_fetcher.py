"""WeasyPrint, imported here only (``masterly.reports.pdf`` imports this module lazily).

Its URL fetcher answers only for Masterly's own addresses: static files (from the collected
storage or the app folders) and item images (through the caller's ``item_image``). Any other
address — another host, ``file:``, ``data:``, a path outside those two — is refused without a
request, and WeasyPrint leaves that resource out of the PDF.
"""

from __future__ import annotations

import mimetypes
import posixpath
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, cast
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from PIL import ImageFile
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from masterly.assessments.content.policy import ITEM_IMAGE_PATH

if TYPE_CHECKING:
    from masterly.reports.pdf import ItemImage

# Importing WeasyPrint sets Pillow's process-wide LOAD_TRUNCATED_IMAGES, after which the
# upload check (assessments/content/images.py) would accept a cut-off PNG in every later
# request of this process. Masterly's images are whole (checked on upload), so turn it off.
ImageFile.LOAD_TRUNCATED_IMAGES = False

# Relative URLs in the HTML resolve against this origin, which never resolves on any network
# (.invalid is reserved); the fetcher recognises it and answers from this server's own files.
ORIGIN = "https://masterly.invalid"


# Per thread (a web server's threads may make PDFs at once; a batch's PDF process has one):
# one font configuration, and each stylesheet parsed once, for every PDF the thread makes.
_reused = threading.local()


def write_pdf(html: str, *, item_image: ItemImage | None, stylesheets: Sequence[str] = ()) -> bytes:
    """``stylesheets``: static files' names, parsed once per thread and applied to the HTML
    (as if linked; a batch of reports then parses its stylesheet once, not per report)."""
    fetcher = MasterlyFetcher(item_image=item_image)
    document = HTML(string=html, base_url=ORIGIN + "/", url_fetcher=fetcher)
    parsed = [_stylesheet(name) for name in stylesheets]
    pdf = document.write_pdf(stylesheets=parsed, font_config=_fonts())
    return bytes(pdf)  # write_pdf with no target returns the PDF's bytes


def _fonts() -> FontConfiguration:
    if not hasattr(_reused, "fonts"):
        _reused.fonts = FontConfiguration()
        _reused.stylesheets = {}
    return cast(FontConfiguration, _reused.fonts)


def _stylesheet(name: str) -> CSS:
    """The static file ``name`` parsed (once per thread and version of the file)."""
    url = f"{ORIGIN}/{settings.STATIC_URL.strip('/')}/{name}"
    text = static_bytes(url, name)
    fonts = _fonts()
    parsed: dict[str, tuple[bytes, CSS]] = _reused.stylesheets  # url → (its text, parsed)
    if url not in parsed or parsed[url][0] != text:
        fetcher = MasterlyFetcher(item_image=None)
        css = CSS(string=text.decode("utf-8"), base_url=url, url_fetcher=fetcher, font_config=fonts)
        parsed[url] = (text, css)
    return parsed[url][1]


class MasterlyFetcher(URLFetcher):
    def __init__(self, *, item_image: ItemImage | None) -> None:
        super().__init__(allowed_protocols={"https"}, allow_redirects=False)
        self._item_image = item_image

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != ORIGIN:
            raise ValueError(f"a PDF fetches only Masterly's own files, not {url}")
        path = unquote(parts.path)
        static_prefix = "/" + settings.STATIC_URL.strip("/") + "/"
        if path.startswith(static_prefix):
            return self._static_file(url, path.removeprefix(static_prefix))
        image = ITEM_IMAGE_PATH.fullmatch(path)
        if image and self._item_image is not None:
            found = self._item_image(image["image_id"])
            if found is not None:
                data, content_type = found
                return URLFetcherResponse(url, data, {"Content-Type": content_type})
        raise ValueError(f"no file of Masterly's at {url}")

    def _static_file(self, url: str, name: str) -> URLFetcherResponse:
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, static_bytes(url, name), {"Content-Type": content_type})


def static_bytes(url: str, name: str) -> bytes:
    """The static file ``name`` (from the collected storage or the app folders)."""
    normal = posixpath.normpath(name)
    if normal != name or normal.startswith(("/", "..")):
        raise ValueError(f"not a static file name: {url}")
    if staticfiles_storage.exists(name):
        with staticfiles_storage.open(name) as stored:
            return bytes(stored.read())
    found = finders.find(name)
    if isinstance(found, str):
        return Path(found).read_bytes()
    raise ValueError(f"no static file at {url}")
