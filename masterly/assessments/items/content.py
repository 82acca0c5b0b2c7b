"""The one place the item bank calls the content pipeline (``masterly.assessments.content``).

Rich text becomes sanitised HTML with MathML, images are checked and served safely. Until the
content package lands on main this module falls back to a strict stand-in (every tag
stripped, PNG/JPEG only, re-encoded) so nothing unsanitised is ever stored; once it is there
the real pipeline is used and the stand-in is dead code to delete.
"""

from __future__ import annotations

try:
    from masterly.assessments.content import (  # type: ignore[import-not-found,unused-ignore]
        CheckedImage,
        ContentRejected,
        checked_image,
        image_response,
        plain_text,
        rich_text,
    )
except ImportError:  # pragma: no cover - the stand-in described above
    from masterly.assessments.items._content_standin import (  # type: ignore[assignment,unused-ignore]
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
