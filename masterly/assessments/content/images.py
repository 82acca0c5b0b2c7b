"""Uploaded images, checked: raster images re-encoded by Pillow, SVG rebuilt from an allow-list.

Nothing is stored as it arrived. A raster image is decoded (within the byte and pixel caps) and
encoded afresh, which drops its metadata (EXIF, GPS, comments) and anything hidden after the
image data; an SVG is parsed without DTD or entities and only known-safe parts are kept.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext
from PIL import Image, ImageOps, UnidentifiedImageError

from masterly.assessments.content.errors import ContentRejected, shown_name
from masterly.assessments.content.svg import looks_like_svg, sanitised_svg


@dataclass(frozen=True)
class CheckedImage:
    content_type: str
    data: bytes
    width: int
    height: int
    extension: str


# Pillow format → (content type, extension); nothing else is accepted.
RASTER_FORMATS = {
    "PNG": ("image/png", "png"),
    "JPEG": ("image/jpeg", "jpg"),
    "GIF": ("image/gif", "gif"),
    "WEBP": ("image/webp", "webp"),
}
SVG_CONTENT_TYPE = "image/svg+xml"
CONTENT_TYPES = {content_type for content_type, _ in RASTER_FORMATS.values()} | {SVG_CONTENT_TYPE}
MAX_FRAMES = 200
# Image.info entries a re-encoded image needs to look the same; everything else is metadata.
_KEPT_INFO = ("transparency", "duration", "loop", "background", "disposal")


def checked_image(data: bytes, *, filename: str) -> CheckedImage:
    """The image, made safe to store and serve, or ContentRejected saying why not."""
    filename = shown_name(filename)
    if len(data) > settings.IMAGE_MAX_BYTES:
        raise ContentRejected(
            gettext("%(file)s is larger than %(limit)s MB; use a smaller image.")
            % {"file": filename, "limit": _megabytes(settings.IMAGE_MAX_BYTES)}
        )
    if not data:
        raise ContentRejected(gettext("%(file)s is empty.") % {"file": filename})
    if looks_like_svg(data):
        svg = sanitised_svg(data, filename=filename)
        return CheckedImage(SVG_CONTENT_TYPE, svg.data, svg.width, svg.height, "svg")
    return _reencoded_raster(data, filename=filename)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0")


def _not_an_image(filename: str) -> ContentRejected:
    return ContentRejected(
        gettext("%(file)s is not a PNG, JPEG, GIF, WebP or SVG image Masterly can read.")
        % {"file": filename}
    )


def _reencoded_raster(data: bytes, *, filename: str) -> CheckedImage:
    try:
        with warnings.catch_warnings():
            # Pillow warns (and past twice its own limit, refuses) on huge images; ours is stricter.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=list(RASTER_FORMATS))
            _check_size(image, filename=filename)
            image.load()
            frames = _frames(image, filename=filename)
    except ContentRejected:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise _not_an_image(filename) from None
    except (OSError, ValueError, SyntaxError, EOFError):  # truncated or corrupt image data
        raise _not_an_image(filename) from None
    content_type, extension = RASTER_FORMATS[str(image.format)]
    width, height = frames[0].size
    return CheckedImage(content_type, _encoded(frames, str(image.format)), width, height, extension)


def _check_size(image: Image.Image, *, filename: str) -> None:
    width, height = image.size
    frames = getattr(image, "n_frames", 1)
    if width * height * min(frames, MAX_FRAMES) > settings.IMAGE_MAX_PIXELS or frames > MAX_FRAMES:
        raise ContentRejected(
            gettext(
                "%(file)s is %(width)d × %(height)d pixels%(frames)s, more than Masterly accepts "
                "(%(limit)d million pixels); use a smaller image."
            )
            % {
                "file": filename,
                "width": width,
                "height": height,
                "frames": gettext(" in %(count)d frames") % {"count": frames} if frames > 1 else "",
                "limit": max(1, settings.IMAGE_MAX_PIXELS // 1_000_000),
            }
        )


def _frames(image: Image.Image, *, filename: str) -> list[Image.Image]:
    """Every frame decoded in full (so corrupt data fails here), upright, without metadata."""
    frames = []
    for index in range(getattr(image, "n_frames", 1)):
        image.seek(index)
        frame = ImageOps.exif_transpose(image) if image.format == "JPEG" else image.copy()
        frame.info = {key: image.info[key] for key in _KEPT_INFO if key in image.info}
        frames.append(frame)
    if not frames:
        raise _not_an_image(filename)
    return frames


def _encoded(frames: list[Image.Image], image_format: str) -> bytes:
    first, rest = frames[0], frames[1:]
    if image_format == "JPEG" and first.mode not in {"RGB", "L", "CMYK"}:
        first = first.convert("RGB")
    output = io.BytesIO()
    options: dict[str, object] = {"format": image_format}
    if image_format == "JPEG":
        options.update(quality=90, optimize=True)
    elif image_format == "PNG":
        options.update(optimize=True)
    elif image_format == "WEBP":
        options.update(lossless=True)
    if rest:
        options.update(save_all=True, append_images=rest)
    first.save(output, **options)  # type: ignore[arg-type]
    return output.getvalue()
