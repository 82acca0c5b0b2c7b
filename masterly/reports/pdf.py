"""PDFs from HTML (a template rendered with a print view's context), made by WeasyPrint.

WeasyPrint needs the Pango library. It is imported only when a PDF is asked for, so a server
without Pango runs the rest of Masterly; the PDF alone says so (PdfUnavailable, which
``pdf_response`` turns into a page naming the package to install). WeasyPrint fetches nothing
itself: ``masterly.reports.pdf_fetcher`` serves it Masterly's static files and item images,
and refuses every other address, so a PDF never reaches the network.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Callable, Sequence
from importlib import import_module

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext

logger = logging.getLogger(__name__)

# An item image by the id in its URL: (data, content type), or None where there is none the
# print view's user may see. The print view passes one that asks the items' selectors.
ItemImage = Callable[[str], tuple[bytes, str] | None]


class PdfUnavailable(RuntimeError):
    """This server cannot make PDFs; ``message`` says what to install."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def render_pdf(
    html: str, *, item_image: ItemImage | None = None, stylesheets: Sequence[str] = ()
) -> bytes:
    """The PDF of ``html``; relative URLs resolve against Masterly's own routes.
    ``stylesheets``: static files applied as if linked, parsed once per process."""
    try:
        pdf_fetcher = import_module("masterly.reports.pdf_fetcher")
    except (ImportError, OSError) as error:  # OSError: WeasyPrint could not load Pango
        logger.warning("PDFs are unavailable: %s", error)
        raise PdfUnavailable(
            gettext(
                "PDFs cannot be made on this server: WeasyPrint or the Pango library it needs "
                "is missing. Its administrator can install Pango (on Debian or Ubuntu: "
                "apt-get install libpango-1.0-0 libpangoft2-1.0-0). The print view still works: "
                "print it from the browser."
            )
        ) from None
    return pdf_fetcher.write_pdf(html, item_image=item_image, stylesheets=stylesheets)


def pdf_response(
    request: HttpRequest,
    html: str,
    *,
    filename: str,
    item_image: ItemImage | None = None,
    stylesheets: Sequence[str] = (),
) -> HttpResponse:
    """The PDF as a download, or, where PDFs cannot be made, a page saying why (503)."""
    try:
        pdf = render_pdf(html, item_image=item_image, stylesheets=stylesheets)
    except PdfUnavailable as unavailable:
        return render(
            request, "reports/pdf_unavailable.html", {"message": unavailable.message}, status=503
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=_safe_filename(filename)
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _safe_filename(filename: str) -> str:
    """The name to save as: any language, but no control characters, quotes or folders."""
    kept = "".join(
        "-" if unicodedata.category(c).startswith("C") or c in '/\\"' else c for c in filename
    ).strip(" .")
    return (kept or "masterly") + ("" if kept.lower().endswith(".pdf") else ".pdf")
