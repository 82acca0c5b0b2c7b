"""The one place the item bank calls the content pipeline (``masterly.assessments.content``,
ADR 16): rich text becomes sanitised HTML with MathML, images are checked and served safely."""

from __future__ import annotations

from masterly.assessments.content import (
    CheckedImage,
    ContentRejected,
    checked_image,
    image_response,
    plain_text,
    rich_text,
)

__all__ = [
    "CheckedImage",
    "ContentRejected",
    "checked_image",
    "image_response",
    "plain_text",
    "rich_text",
]
