"""render_pdf: WeasyPrint makes the PDF, math arrives as vector drawing, nothing is fetched."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from PIL import Image

from masterly.assessments.content import print_html, rich_text
from masterly.reports.pdf import render_pdf

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) is not installed"
)


def page(body: str) -> str:
    return f"<!doctype html><html><head><title>Quiz</title></head><body>{body}</body></html>"


def poppler(tool: str, pdf: bytes, tmp_path: Path, *arguments: str) -> str:
    """What a poppler-utils tool prints about the PDF (``-`` sends its output to stdout)."""
    source = tmp_path / "out.pdf"
    source.write_bytes(pdf)
    command = [tool, *arguments, str(source)] + ([] if "-list" in arguments else ["-"])
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def drawn_paths(pdf: bytes, tmp_path: Path) -> int:
    """Filled vector paths on the page itself (text glyphs are <use> of <defs>, not counted)."""
    svg = poppler("pdftocairo", pdf, tmp_path, "-svg")
    return len(re.findall(r"<path\b", re.sub(r"<defs>.*?</defs>", "", svg, flags=re.S)))


@needs_poppler
def test_a_pdf_of_rich_text_shows_its_words_and_draws_its_math(tmp_path: Path) -> None:
    stem = rich_text(r"<p>Solve \( \frac{3}{4} + x^2 = 7 \) for x.</p>")
    words_only = rich_text("<p>Solve the equation for x.</p>")

    pdf = render_pdf(page(print_html(stem)))

    text = poppler("pdftotext", pdf, tmp_path)
    assert "Solve" in text and "for x." in text
    assert "frac" not in text  # the LaTeX is not printed as words
    assert drawn_paths(pdf, tmp_path) >= 5  # 3, 4, +, x, 2, =, 7 and the fraction bar
    assert drawn_paths(render_pdf(page(print_html(words_only))), tmp_path) == 0


class RecordingHandler(BaseHTTPRequestHandler):
    requests: list[str]

    def do_GET(self) -> None:
        self.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.end_headers()
        self.wfile.write(b"body { color: red }")

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def outside_host() -> Iterator[tuple[str, list[str]]]:
    requests: list[str] = []
    handler = type("Handler", (RecordingHandler,), {"requests": requests})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", requests
    server.shutdown()
    server.server_close()


def test_no_address_outside_masterly_is_fetched(outside_host: tuple[str, list[str]]) -> None:
    host, requests = outside_host
    bare_host = host.removeprefix("http:")
    html = (
        f'<!doctype html><html><head><link rel="stylesheet" href="{host}/style.css">'
        f"<style>@import url({host}/import.css); body {{ background: url({host}/bg.png) }}"
        f"</style></head><body><p>Questions</p>"
        f'<img src="{host}/image.png"><img src="{bare_host}/relative-scheme.png">'
        f'<object data="{host}/object.svg"></object><svg><image href="{host}/in-svg.png"/></svg>'
        '<img src="file:///etc/hostname"></body></html>'
    )

    pdf = render_pdf(html)

    assert pdf.startswith(b"%PDF")
    assert requests == []


def test_a_sanity_check_the_recording_server_does_record(
    outside_host: tuple[str, list[str]],
) -> None:
    from urllib.request import urlopen

    host, requests = outside_host
    with urlopen(f"{host}/probe") as response:  # noqa: S310 - our own loopback server
        response.read()

    assert requests == ["/probe"]


@needs_poppler
def test_item_images_come_from_the_callers_lookup_and_static_files_from_masterly(
    tmp_path: Path,
) -> None:
    png = io.BytesIO()
    Image.new("RGB", (30, 20), "blue").save(png, format="PNG")
    asked: list[str] = []

    def item_image(image_id: str) -> tuple[bytes, str] | None:
        asked.append(image_id)
        return (png.getvalue(), "image/png") if image_id == "17" else None

    pdf = render_pdf(
        '<html><head><link rel="stylesheet" href="/static/masterly/masterly.css"></head><body>'
        '<img src="/assessments/images/17/" alt="a graph"><img src="/assessments/images/99/">'
        "</body></html>",
        item_image=item_image,
    )

    assert asked == ["17", "99"]
    images = poppler("pdfimages", pdf, tmp_path, "-list").splitlines()[2:]
    assert [line.split()[3:5] for line in images] == [["30", "20"]]


@pytest.mark.parametrize(
    "url",
    [
        "https://masterly.invalid/static/%2e%2e/%2e%2e/config/settings.py",
        "https://masterly.invalid/static/masterly/../../../config/settings.py",
        "https://masterly.invalid/static//etc/passwd",
        "https://masterly.invalid/assessments/images/17/",  # no lookup given
        "https://masterly.invalid/admin/",
        "https://masterly.invalid.example.org/static/masterly/masterly.css",
        "http://masterly.invalid/static/masterly/masterly.css",
        "data:text/css,body{}",
        "file:///etc/passwd",
    ],
)
def test_the_fetcher_refuses_everything_but_masterlys_own_files(url: str) -> None:
    from masterly.reports.pdf_fetcher import MasterlyFetcher

    with pytest.raises(ValueError):
        MasterlyFetcher(item_image=None).fetch(url)


def test_the_fetcher_serves_a_static_file() -> None:
    from masterly.reports.pdf_fetcher import MasterlyFetcher

    response = MasterlyFetcher(item_image=None).fetch(
        "https://masterly.invalid/static/masterly/masterly.css"
    )

    assert response.content_type == "text/css" and b"{" in response.read()
