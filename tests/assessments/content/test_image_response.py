"""image_response: the stored type, never sniffed, sandboxed, cached privately."""

from __future__ import annotations

import io

import pytest
from csp.middleware import CSPMiddleware
from django.test import RequestFactory
from PIL import Image

from masterly.assessments.content import checked_image, image_response


def png() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (3, 3)).save(output, format="PNG")
    return output.getvalue()


def test_a_checked_image_is_served_with_safe_headers() -> None:
    image = checked_image(png(), filename="a.png")

    response = image_response(image, image.content_type)

    assert response.content == image.data
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == (
        "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    )
    assert response["Cache-Control"] == "private, max-age=86400"
    assert response["Content-Disposition"] == "inline"


def test_stored_svg_bytes_are_served_sandboxed() -> None:
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>'

    response = image_response(svg, "image/svg+xml")

    assert response["Content-Type"] == "image/svg+xml"
    assert "sandbox" in response["Content-Security-Policy"]


@pytest.mark.parametrize("content_type", ["text/html", "image/svg+xml; charset=utf-8", ""])
def test_a_type_masterly_does_not_store_is_a_bug_not_a_response(content_type: str) -> None:
    with pytest.raises(ValueError, match="not an image type Masterly serves"):
        image_response(png(), content_type)


def test_a_checked_image_is_never_served_as_another_type() -> None:
    image = checked_image(png(), filename="a.png")

    with pytest.raises(ValueError, match="image/png image cannot be served as image/svg"):
        image_response(image, "image/svg+xml")


def test_the_site_policy_does_not_replace_the_image_policy(settings: object) -> None:
    site_policy = {"DIRECTIVES": {"default-src": ["'self'"]}}
    settings.CONTENT_SECURITY_POLICY = site_policy  # type: ignore[attr-defined]
    request = RequestFactory().get("/assessments/images/1/")

    response = CSPMiddleware(lambda _: image_response(png(), "image/png"))(request)

    assert response["Content-Security-Policy"].endswith("sandbox")
