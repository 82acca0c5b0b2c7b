"""The content pipeline: rich text (sanitised HTML with MathML), images, and math for print.

Everything a teacher (or an imported file) puts into an item passes through here before it is
stored: HTML through nh3's allow-list, LaTeX through latex2mathml, images through Pillow or the
SVG allow-list. Each refusal is a ContentRejected whose ``message`` a page can show as is.
"""

from masterly.assessments.content.errors import ContentRejected
from masterly.assessments.content.images import CheckedImage, checked_image
from masterly.assessments.content.printing import print_html
from masterly.assessments.content.responses import image_response
from masterly.assessments.content.rich_text import editable_source, plain_text, rich_text

__all__ = [
    "CheckedImage",
    "ContentRejected",
    "checked_image",
    "editable_source",
    "image_response",
    "plain_text",
    "print_html",
    "rich_text",
]
