"""In Chromium, on the real take page of an assessment of one item with a passage: text-to-speech
reads the item's parts through speech synthesis (recorded by an init script), the calculator
computes from its keys and the keyboard, the magnifier zooms, the line reader moves with the
arrow keys; a student without tools has none; axe finds nothing serious with the tools open."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.browser import conftest as shared
from tests.browser.conftest import screenshot
from tests.browser.test_browser_sign_in import assert_no_serious_violations, sign_in
from tests.taking_tools.conftest import STIMULUS, TakePage

pytestmark = pytest.mark.browser
_browser_test_setup = shared._browser_test_setup
browser = shared.browser
page = shared.page

ALL_TOOLS = "text_to_speech,magnifier,line_reader,calculator,extended_time"

# Speech synthesis replaced by a recorder: what the page asks to be read, and pauses.
RECORD_SPEECH = """
window.spoken = [];
window.speechCalls = [];
Object.defineProperty(window, "speechSynthesis", {
  configurable: true,
  value: {
    speaking: false, paused: false, pending: false,
    speak(utterance) { window.spoken.push(utterance.text); window.speechCalls.push("speak"); },
    cancel() { window.speechCalls.push("cancel"); },
    pause() { window.speechCalls.push("pause"); },
    resume() { window.speechCalls.push("resume"); },
    getVoices() { return []; },
    addEventListener() {}, removeEventListener() {},
  },
});
"""


def spoken_ends_with(page: Any, texts: list[str], seconds: float = 10) -> None:
    """What was last read is ``texts``, checked until it is: a key's click can be dispatched
    after the key press returns on a loaded machine."""
    ends = time.monotonic() + seconds
    while page.evaluate("window.spoken")[-len(texts) :] != texts and time.monotonic() < ends:
        time.sleep(0.05)
    assert page.evaluate("window.spoken")[-len(texts) :] == texts


def open_take_page(page: Any, take_page: TakePage, tools: str) -> None:
    """The student's take page with exactly ``tools`` on (their accommodations)."""
    take_page.tools_set(tools)
    page.context.add_init_script(RECORD_SPEECH)
    sign_in(page, "student")
    page.goto(take_page.attempt_url())


def test_text_to_speech_reads_the_stimulus_stem_and_options(page: Any, take_page: TakePage) -> None:
    open_take_page(page, take_page, "text_to_speech")
    play = page.locator("[data-tts-play]")  # its name follows what it does next
    assert page.get_by_role("button", name="Read aloud", exact=True).is_visible()
    play.focus()
    page.keyboard.press("Enter")
    # The passage's title, then its text (apart, so the voice pauses between them), the
    # stem, each option with its letter.
    spoken = ["Pancakes", STIMULUS, "What is 3 + 4?", "A. 7", "B. 12", "C. 1"]
    spoken_ends_with(page, spoken)
    assert page.evaluate("window.spoken") == spoken
    assert play.get_attribute("aria-pressed") == "true"
    page.get_by_role("button", name="Pause reading").click()
    assert page.evaluate("window.speechCalls").count("pause") == 1
    page.get_by_role("button", name="Resume reading").click()
    assert page.evaluate("window.speechCalls")[-1] == "resume"
    # Each part has its own button, named by the part.
    page.get_by_role("button", name="Read aloud: Option B").click()
    assert page.evaluate("window.spoken")[-1] == "B. 12"
    page.get_by_role("button", name="Read aloud: Item 1").click()
    assert page.evaluate("window.spoken")[-1] == "What is 3 + 4?"
    page.get_by_role("button", name="Read aloud: Passage").click()
    spoken_ends_with(page, ["What is 3 + 4?", "Pancakes", STIMULUS])
    page.get_by_role("button", name="Stop reading").click()
    assert page.evaluate("window.speechCalls")[-1] == "cancel"
    screenshot(page, "taking-tools-text-to-speech")


def test_a_student_without_tools_has_no_toolbar_and_nothing_reads(
    page: Any, take_page: TakePage
) -> None:
    open_take_page(page, take_page, "")
    assert page.locator("[data-test-tools]").count() == 0
    assert page.locator("button.tts-part").count() == 0
    assert page.get_by_role("button", name="Calculator").count() == 0
    page.keyboard.press("Alt+=")
    page.keyboard.press("Alt+l")
    assert page.locator("[data-test-content]").get_attribute("data-zoom") is None
    assert page.locator(".line-reader").count() == 0
    assert page.evaluate("window.spoken") == []


def test_only_the_students_tools_are_shown(page: Any, take_page: TakePage) -> None:
    open_take_page(page, take_page, "calculator")
    assert page.get_by_role("toolbar", name="Tools").is_visible()
    assert page.get_by_role("button", name="Calculator").is_visible()
    assert page.get_by_role("button", name="Read aloud", exact=True).count() == 0
    assert page.get_by_role("button", name="Line reader").count() == 0
    assert page.locator("[data-zoom-in]").count() == 0


def test_the_calculator_computes_with_its_keys_and_the_keyboard(
    page: Any, take_page: TakePage
) -> None:
    open_take_page(page, take_page, "calculator")
    opener = page.get_by_role("button", name="Calculator")
    opener.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Calculator")
    display = dialog.locator("[data-calculator-display]")
    assert dialog.is_visible()
    page.keyboard.type("12.5*4")
    page.keyboard.press("Enter")
    assert display.inner_text() == "50"
    for name in ["Clear", "7", "Divide", "0", "Equals"]:
        dialog.get_by_role("button", name=name, exact=True).click()
    assert display.inner_text() == "Cannot divide by zero"
    dialog.get_by_role("button", name="Clear").click()
    page.keyboard.type("0.1+0.2=")
    assert display.inner_text() == "0.3"
    page.keyboard.type("9-3*2=")  # a pocket calculator: (9 - 3) × 2
    assert display.inner_text() == "12"
    page.keyboard.press("Backspace")
    page.keyboard.type("5/4=")
    assert display.inner_text() == "1.25"
    screenshot(page, "taking-tools-calculator")
    page.keyboard.press("Escape")
    assert not dialog.is_visible()
    assert page.evaluate("document.activeElement.dataset.calculatorOpen") == ""


def test_the_magnifier_zooms_the_test_content_in_steps(page: Any, take_page: TakePage) -> None:
    open_take_page(page, take_page, "magnifier")
    content = page.locator("[data-test-content]")
    # The stem's line grows taller (its width is the card's, whatever the zoom).
    height = page.locator("[data-tts-part=stem]").bounding_box()["height"]
    page.get_by_role("button", name="Zoom in").click()
    page.keyboard.press("Alt+=")
    assert content.get_attribute("data-zoom") == "2"
    assert page.locator("[data-zoom-level]").inner_text() == "150%"
    assert content.evaluate("element => getComputedStyle(element).zoom") == "1.5"
    assert page.locator("[data-tts-part=stem]").bounding_box()["height"] > height * 1.3
    screenshot(page, "taking-tools-magnifier")
    page.keyboard.press("Alt+-")
    assert page.locator("[data-zoom-level]").inner_text() == "125%"
    page.get_by_role("button", name="Actual size").click()
    assert page.locator("[data-zoom-level]").inner_text() == "100%"
    assert page.get_by_role("button", name="Zoom out").is_disabled()


def test_the_line_reader_turns_on_and_moves_with_the_arrow_keys(
    page: Any, take_page: TakePage
) -> None:
    open_take_page(page, take_page, "line_reader")
    toggle = page.get_by_role("button", name="Line reader")
    toggle.click()
    guide = page.get_by_role("slider", name="Reading guide: the up and down arrow keys move it")
    assert guide.is_visible()
    assert toggle.get_attribute("aria-pressed") == "true"
    top = guide.bounding_box()["y"]
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert guide.bounding_box()["y"] == pytest.approx(top + 48, abs=1)
    screenshot(page, "taking-tools-line-reader")
    page.keyboard.press("Escape")
    assert not guide.is_visible()
    assert toggle.get_attribute("aria-pressed") == "false"
    page.keyboard.press("Alt+l")
    assert guide.is_visible()


def test_axe_finds_nothing_serious_with_every_tool_open(page: Any, take_page: TakePage) -> None:
    open_take_page(page, take_page, ALL_TOOLS)
    page.get_by_role("button", name="Zoom in").click()
    page.get_by_role("button", name="Line reader").click()
    assert_no_serious_violations(page)
    screenshot(page, "taking-tools-all")
    page.get_by_role("button", name="Calculator").click()
    assert_no_serious_violations(page)
