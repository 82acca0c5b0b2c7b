"""The Parent Portal guide walked in a real browser, once in English and once in Spanish, as a
parent like the demo's (built by factories in seconds, not the demo district): sign in, Current
Classes with percents, the Mastery View with each tab, Expand / Expand All / Collapse All, an
assessment with its Answer Key and Item Analysis, the circle graph and bar, Email Teacher,
Current Progress, Progress Timeline, Notes, the term PDF (downloaded, turned into a PNG with
pdftoppm and kept for a person to look at), Archived Classes. axe on every page."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from masterly.assessments.models import SubmittedBy
from masterly.assessments.responses.entry import Answer
from masterly.assessments.scoring import choices_mask
from masterly.trackers.models import Tracker
from masterly.trackers.services import notes, taking
from tests.assessment_factories import Mastery
from tests.browser.conftest import SHOTS, screenshot
from tests.browser.conftest import _browser_test_setup as _browser_test_setup  # autouse
from tests.browser.conftest import browser as browser  # the fixture
from tests.browser.conftest import page as page  # the fixture
from tests.browser.test_browser_sign_in import assert_no_serious_violations
from tests.factories import PASSWORD
from tests.reports.progress.conftest import mastery as mastery  # the fixture
from tests.reports.progress.conftest import scored as scored  # the fixture
from tests.taking.conftest import make_online

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class Words:
    """What the parent reads in one language (the test finds things by these words)."""

    lang: str
    login: str
    password: str
    sign_in: str
    sign_out: str
    current: str
    archived: str
    percent: str
    circle: str
    bar: str
    levels: tuple[str, str, str, str]
    expand_all: str
    collapse_all: str
    assessment: str
    key: str
    analysis: str
    email: str
    reports: str
    progress: str
    timeline: str
    notes: str
    terms: str
    download: str
    pdf_title: str
    explained: str


ENGLISH = Words(
    lang="en",
    login="Username or email address",
    password="Password",
    sign_in="Sign in",
    sign_out="Sign out",
    current="Current Classes",
    archived="Archived Classes",
    percent="67% of standards assessed (2 of 3)",
    circle="Standards by level: Mastery: 0, Near Mastery: 1, Remediation: 1, Not assessed: 1",
    bar="2 of 3 standards assessed (67%)",
    levels=("Mastery", "Near Mastery", "Remediation", "Not assessed"),
    expand_all="Expand All",
    collapse_all="Collapse All",
    assessment="Assessment: Unit 1 online",
    key="Answer Key",
    analysis="Item Analysis",
    email="Email Teacher",
    reports="View Reports",
    progress="Current Progress",
    timeline="Progress Timeline",
    notes="Notes to Parents",
    terms="Progress Reports",
    download="Download Progress Report",
    pdf_title="Standards-based progress report",
    explained="What do the levels mean, and how is a level calculated?",
)
SPANISH = Words(
    lang="es",
    login="Nombre de usuario o correo electrónico",
    password="Contraseña",
    sign_in="Iniciar sesión",
    sign_out="Cerrar sesión",
    current="Clases actuales",
    archived="Clases archivadas",
    percent="67 % de los estándares evaluados (2 de 3)",
    circle="Estándares por nivel: Dominio: 0, Cerca del dominio: 1, Refuerzo: 1, Sin evaluar: 1",
    bar="2 de 3 estándares evaluados (67 %)",
    levels=("Dominio", "Cerca del dominio", "Refuerzo", "Sin evaluar"),
    expand_all="Ampliar todo",
    collapse_all="Contraer todo",
    assessment="Evaluación: Unit 1 online",
    key="Clave de respuestas",
    analysis="Análisis de preguntas",
    email="Escribir al maestro",
    reports="Ver informes",
    progress="Progreso actual",
    timeline="Evolución del progreso",
    notes="Notas para los padres",
    terms="Informes de progreso",
    download="Descargar el informe de progreso",
    pdf_title="Informe de progreso basado en estándares",
    explained="¿Qué significan los niveles y cómo se calcula un nivel?",
)
LEVELS = ("M", "NM", "R", "NS")


def demo_like(m: Mastery) -> None:
    """The parent's child took an online test (machine-scored, key and analysis shown), has
    scores over two months, a note from the teacher and a class whose tracker is archived."""
    online = make_online(
        m,
        machine_only=True,
        show_assessment="now",
        show_answer_key="now",
        show_item_analysis="now",
    )
    student = m.world.student
    attempt = taking.attempt_start(student=student, assignment=online.assignment)
    taking.answer_save(
        attempt=attempt,
        placement_id=online.placements[0].pk,
        answer=Answer(choices=choices_mask([1])),
    )
    taking.attempt_submit(
        attempt_id=attempt.pk, by=SubmittedBy.STUDENT, actor=student, now=timezone.now()
    )
    notes.note_write(
        actor=m.world.teacher,
        tracker=m.tracker,
        student=student,
        text="Great progress on ratios.\nKeep practising at home.",
    )
    Tracker.objects.filter(pk=m.shared.pk).update(is_archived=True)


def checked(page: Any, name: str) -> None:
    screenshot(page, name)
    assert_no_serious_violations(page)


def walk(page: Any, m: Mastery, w: Words, tmp_path: Path) -> str:
    """The guide from top to bottom; returns the text the parent read, for the caller."""
    read: list[str] = []
    student = m.world.student

    # Sign in.
    page.get_by_label(w.login).fill("parent")
    page.get_by_label(w.password, exact=True).fill(PASSWORD)
    page.get_by_role("button", name=w.sign_in).click()
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == w.lang

    # Tracker View: Current Classes, opened by default, each class with its percent.
    current = page.get_by_role("link", name=w.current)
    assert current.get_attribute("aria-current") == "page"
    assert page.get_by_text(w.percent).is_visible()
    read.append(page.inner_text("main"))
    checked(page, f"walk-{w.lang}-current-classes")

    # The tracker's name opens the Mastery View: the circle graph and bar with their text.
    page.get_by_role("link", name="Period 1", exact=True).click()
    page.wait_for_load_state()
    assert page.locator("svg.mastery-circle").get_attribute("aria-label") == w.circle
    assert page.get_by_role("img", name=w.circle).is_visible()
    assert page.get_by_role("img", name=w.bar).is_visible()
    assert page.get_by_text(w.bar).first.is_visible()
    teacher = page.get_by_role("link", name=w.email)
    assert teacher.get_attribute("href").startswith(f"mailto:{m.world.teacher.email}")
    page.get_by_text(w.explained).click()  # the plain words open
    read.append(page.inner_text("main"))
    checked(page, f"walk-{w.lang}-mastery-view")

    # Each concept tab, named in the language.
    for abbreviation, name in zip(LEVELS, w.levels, strict=True):
        tab = page.locator(f'[data-tab="{abbreviation}"]')
        assert name in tab.inner_text()
        tab.click()
        assert page.locator(f'[data-panel="{abbreviation}"]').is_visible()

    # Expand one standard, Expand All, Collapse All (on the Near Mastery tab: A's 60, 40, 95).
    page.locator('[data-tab="NM"]').click()
    panel = page.locator('[data-panel="NM"]')
    panel.locator("summary").first.click()
    assert panel.locator("details[open]").count() == 1
    panel.get_by_role("button", name=w.collapse_all).click()
    assert panel.locator("details[open]").count() == 0
    panel.get_by_role("button", name=w.expand_all).click()
    assert panel.locator("details[open]").count() == panel.locator("details").count()
    read.append(panel.inner_text())
    checked(page, f"walk-{w.lang}-expanded")

    # The assessment beside the expanded standard, its Answer Key and Item Analysis.
    panel.get_by_role("link", name=w.assessment).first.click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Unit 1 online"
    checked(page, f"walk-{w.lang}-assessment")
    page.get_by_role("link", name=w.key).click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name=w.key).is_visible()
    assert page.get_by_role("button", name="Print" if w.lang == "en" else "Imprimir").is_visible()
    checked(page, f"walk-{w.lang}-answer-key")
    page.get_by_role("link", name=w.analysis).click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name=w.analysis).is_visible()
    read.append(page.inner_text("main"))
    checked(page, f"walk-{w.lang}-item-analysis")
    page.go_back()
    page.go_back()
    page.go_back()
    page.wait_for_load_state()

    # Reports: Current Progress, Progress Timeline, Notes, the term PDF.
    page.get_by_role("link", name=w.reports).click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name=w.progress).get_attribute("aria-current") == "page"
    read.append(page.inner_text("main"))
    checked(page, f"walk-{w.lang}-current-progress")
    page.get_by_role("link", name=w.timeline).click()
    page.wait_for_load_state()
    read.append(page.inner_text("main"))
    checked(page, f"walk-{w.lang}-progress-timeline")
    page.get_by_role("navigation").get_by_role("link", name=w.notes).click()
    page.wait_for_load_state()
    assert "Keep practising at home." in page.inner_text("main")
    read.append(page.inner_text("main"))
    checked(page, f"walk-{w.lang}-notes")
    page.get_by_role("link", name=w.terms).click()
    page.wait_for_load_state()
    checked(page, f"walk-{w.lang}-progress-reports")
    with page.expect_download(timeout=120_000) as download:  # WeasyPrint, on a loaded machine
        page.get_by_role("link", name=w.download).first.click(no_wait_after=True)
    pdf = tmp_path / f"term-report-{w.lang}.pdf"
    download.value.save_as(pdf)
    read.append(pdf_text(pdf, f"walk-{w.lang}-term-report"))
    assert w.pdf_title in read[-1]

    # Archived Classes, from the Tracker View.
    page.goto(reverse("family_home") + f"?child={student.pk}")
    page.get_by_role("link", name=w.archived).click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="Both periods").is_visible()
    read.append(page.inner_text("main"))
    checked(page, f"walk-{w.lang}-archived-classes")

    page.get_by_role("button", name=w.sign_out).click()
    page.wait_for_load_state()
    return "\n".join(read)


def pdf_text(pdf: Path, name: str) -> str:
    """The PDF's first page as a PNG beside the screenshots (to look at), and its text."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("needs pdftoppm and pdftotext (poppler-utils)")
    SHOTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "70",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(pdf),
            str(SHOTS / name),
        ],
        check=True,
        timeout=60,
    )
    assert (SHOTS / f"{name}.png").stat().st_size > 5_000
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout


def test_a_parent_walks_the_guide_in_english_then_in_spanish(
    page: Any, scored: Mastery, tmp_path: Path
) -> None:
    demo_like(scored)
    page.goto(reverse("account_login"))
    english = walk(page, scored, ENGLISH, tmp_path)
    assert "M: Mastery · NM: Near Mastery" in english
    assert "Mastery (M): 80% of the points or more." in english
    assert "0%, 40% and 95%, the latest counting most, give 70.9%." in english

    # The header's switch, on the sign-in page (a form: no JavaScript needed).
    page.goto(reverse("account_login"))
    page.get_by_role("button", name="Español").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Iniciar sesión en Masterly"
    checked(page, "walk-es-sign-in")
    spanish = walk(page, scored, SPANISH, tmp_path)
    # Plain words, numbers and dates in Spanish.
    assert "Dominio (M): 80 % de los puntos o más." in spanish
    assert "Cerca del dominio (NM): desde 50 % hasta justo por debajo de 80 %." in spanish
    assert (
        "Las puntuaciones, de la más antigua a la más reciente, 0 %, 40 % y 95 %, con más peso "
        "la última, dan 70,9 %. 70,9 % es Cerca del dominio (NM), que empieza en 50 %."
    ) in spanish
    assert "de octubre de 2026" in spanish and "October" not in spanish
    assert "Cada estándar con su nivel actual" in spanish
    assert "Evolución del progreso" in spanish and "Nivel de cada estándar" not in english
    assert "Informe de progreso basado en estándares" in spanish
    for english_only in ("Near Mastery", "Remediation", "Not assessed", "standards assessed"):
        assert english_only not in spanish, english_only
