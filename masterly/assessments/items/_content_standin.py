"""A strict stand-in for ``masterly.assessments.content`` (see ``items/content.py``)."""

from __future__ import annotations

import html
import io
import re
from dataclasses import dataclass

import nh3
from django.http import HttpResponse
from PIL import Image, UnidentifiedImageError

MAX_BYTES = 5_000_000
MAX_PIXELS = 20_000_000


class ContentRejected(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CheckedImage:
    content_type: str
    data: bytes
    width: int
    height: int
    extension: str


ITEM_IMAGE = re.compile(r"/assessments/images/\d+/")
TAGS = {"p", "em", "strong", "br", "sub", "sup", "ul", "ol", "li", "img"}


def _only_item_images(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src":
        return value if ITEM_IMAGE.fullmatch(value) else None
    return value


def rich_text(source: str) -> str:
    return nh3.clean(
        source,
        tags=TAGS,
        attributes={"img": {"src", "alt", "width", "height"}},
        attribute_filter=_only_item_images,
        url_schemes=set(),
    )


def plain_text(markup: str) -> str:
    return html.unescape(nh3.clean(markup, tags=set())).strip()


def checked_image(data: bytes, *, filename: str) -> CheckedImage:
    if len(data) > MAX_BYTES:
        raise ContentRejected(f"{filename} is larger than {MAX_BYTES // 1_000_000} MB.")
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_PIXELS or image.format not in {"PNG", "JPEG"}:
                raise ContentRejected(f"{filename} is not a PNG or JPEG image of a usable size.")
            out = io.BytesIO()
            image.convert("RGBA").save(out, format="PNG")
            return CheckedImage("image/png", out.getvalue(), image.width, image.height, "png")
    except (UnidentifiedImageError, OSError) as error:
        raise ContentRejected(f"{filename} is not an image Masterly can read.") from error


def image_response(image: CheckedImage | bytes, content_type: str) -> HttpResponse:
    data = image.data if isinstance(image, CheckedImage) else image
    response = HttpResponse(data, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
