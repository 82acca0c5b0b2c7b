"""checked_image: raster images re-encoded without metadata, within byte and pixel caps."""

from __future__ import annotations

import io

import pytest
from PIL import Image, PngImagePlugin

from masterly.assessments.content import CheckedImage, ContentRejected, checked_image


def encoded(image: Image.Image, image_format: str, **options: object) -> bytes:
    output = io.BytesIO()
    image.save(output, format=image_format, **options)
    return output.getvalue()


def test_a_png_is_reencoded_without_its_text_chunks_or_trailing_data() -> None:
    metadata = PngImagePlugin.PngInfo()
    metadata.add_text("Comment", "teacher's home address")
    data = encoded(Image.new("RGB", (40, 30), "red"), "PNG", pnginfo=metadata)

    image = checked_image(data + b"<script>alert(1)</script>", filename="graph.png")

    assert (image.content_type, image.extension, image.width, image.height) == (
        "image/png", "png", 40, 30,
    )  # fmt: skip
    assert b"home address" not in image.data and b"script" not in image.data
    assert Image.open(io.BytesIO(image.data)).getpixel((0, 0)) == (255, 0, 0)


def test_a_jpeg_loses_its_exif_and_keeps_its_orientation() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° to show upright
    exif[0x010E] = "Taken at 12 Elm Street"  # description
    data = encoded(Image.new("RGB", (60, 20), "blue"), "JPEG", exif=exif.tobytes())

    image = checked_image(data, filename="photo.jpeg")

    assert (image.content_type, image.extension) == ("image/jpeg", "jpg")
    assert (image.width, image.height) == (20, 60)
    assert b"Elm Street" not in image.data
    assert not dict(Image.open(io.BytesIO(image.data)).getexif())


def test_an_animated_gif_keeps_its_frames() -> None:
    frames = [Image.new("RGB", (10, 10), colour) for colour in ("red", "lime", "blue")]
    data = encoded(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100)

    image = checked_image(data, filename="steps.gif")

    assert image.content_type == "image/gif"
    assert Image.open(io.BytesIO(image.data)).n_frames == 3


def test_a_webp_is_accepted() -> None:
    image = checked_image(encoded(Image.new("RGBA", (8, 8)), "WEBP"), filename="icon.webp")

    assert (image.content_type, image.width) == ("image/webp", 8)


def test_the_content_decides_the_type_not_the_file_name() -> None:
    image = checked_image(encoded(Image.new("L", (5, 5)), "PNG"), filename="drawing.svg")

    assert image.content_type == "image/png"


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (b"<html><script>alert(1)</script></html>", "page.png"),
        (b"just text", "notes.jpg"),
        (encoded(Image.new("RGB", (4, 4)), "BMP"), "old.bmp"),
        (encoded(Image.new("RGB", (4, 4)), "TIFF"), "scan.tiff"),
        (encoded(Image.new("RGB", (64, 64)), "PNG")[:60], "cut.png"),
        (encoded(Image.new("RGB", (64, 64)), "JPEG")[:200], "cut.jpg"),
    ],
)
def test_what_is_not_a_readable_image_is_refused_by_name(data: bytes, filename: str) -> None:
    with pytest.raises(ContentRejected) as refused:
        checked_image(data, filename=filename)

    assert refused.value.message == (
        f"{filename} is not a PNG, JPEG, GIF, WebP or SVG image Masterly can read."
    )


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(ContentRejected, match=r"^blank\.png is empty\.$"):
        checked_image(b"", filename="blank.png")


def test_a_file_over_the_byte_cap_is_refused(settings: object) -> None:
    settings.IMAGE_MAX_BYTES = 2 * 1024 * 1024  # type: ignore[attr-defined]

    with pytest.raises(ContentRejected, match=r"^big\.png is larger than 2 MB"):
        checked_image(b"\x89PNG" + b"0" * (2 * 1024 * 1024), filename="big.png")


def test_a_decompression_bomb_is_refused_before_it_is_decoded(settings: object) -> None:
    settings.IMAGE_MAX_PIXELS = 1_000_000  # type: ignore[attr-defined]
    bomb = encoded(Image.new("1", (4000, 4000)), "PNG")  # 16 Mpx in a few kilobytes
    assert len(bomb) < 50_000

    with pytest.raises(ContentRejected) as refused:
        checked_image(bomb, filename="bomb.png")

    assert refused.value.message == (
        "bomb.png is 4000 × 4000 pixels, more than Masterly accepts (1 million pixels); "
        "use a smaller image."
    )


def test_an_animation_counts_the_pixels_of_every_frame(settings: object) -> None:
    settings.IMAGE_MAX_PIXELS = 1_000  # type: ignore[attr-defined]
    frames = [Image.new("RGB", (20, 20), colour) for colour in ("red", "lime", "blue")]
    data = encoded(frames[0], "GIF", save_all=True, append_images=frames[1:])

    with pytest.raises(ContentRejected, match=r"20 × 20 pixels in 3 frames"):
        checked_image(data, filename="steps.gif")


def test_a_checked_image_is_frozen() -> None:
    image = checked_image(encoded(Image.new("L", (2, 2)), "PNG"), filename="a.png")

    assert isinstance(image, CheckedImage)
    with pytest.raises(AttributeError):
        image.width = 3  # type: ignore[misc]


def test_a_long_file_name_is_shortened_in_the_message() -> None:
    with pytest.raises(ContentRejected) as refused:
        checked_image(b"text", filename="x" * 500 + ".png")

    assert refused.value.message.startswith("x" * 77 + "… is not a PNG")


def test_a_cut_off_image_is_still_refused_once_pdfs_have_been_made() -> None:
    """WeasyPrint's import lets Pillow load truncated images process-wide; the PDF module
    turns that off again, so an upload after any PDF is checked as strictly as before."""
    import importlib

    importlib.import_module("masterly.reports.pdf_fetcher")
    cut = encoded(Image.new("RGB", (64, 64)), "PNG")[:60]

    with pytest.raises(ContentRejected, match="is not a PNG"):
        checked_image(cut, filename="cut.png")
