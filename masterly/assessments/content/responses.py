"""Serving a checked image: its own content type, never sniffed, never able to run anything."""

from __future__ import annotations

from django.http import HttpResponse

from masterly.assessments.content.images import CONTENT_TYPES, CheckedImage

# A sandboxed, script-less document even when an image is opened on its own (SVG can hold
# markup; the sanitiser removed scripts, and this makes sure). django-csp keeps a header a view
# has already set.
IMAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
# Item images can belong to secure tests: a browser may keep them, a shared cache may not.
CACHE_POLICY = "private, max-age=86400"


def image_response(image: CheckedImage | bytes, content_type: str) -> HttpResponse:
    """The image as an HTTP response with safe headers.

    ``content_type`` must be one Masterly stores (PNG, JPEG, GIF, WebP, SVG): stored data of
    any other type is a bug, and serving it would let a browser guess.
    """
    if content_type not in CONTENT_TYPES:
        raise ValueError(f"{content_type!r} is not an image type Masterly serves")
    if isinstance(image, CheckedImage) and image.content_type != content_type:
        raise ValueError(f"a {image.content_type} image cannot be served as {content_type}")
    data = image.data if isinstance(image, CheckedImage) else image
    response = HttpResponse(data, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = IMAGE_POLICY
    response["Cache-Control"] = CACHE_POLICY
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Content-Disposition"] = "inline"
    return response
