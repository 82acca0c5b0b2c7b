"""What a Spanish-speaking family reads, without a browser: the Mastery View and the reports
in Spanish with Spanish numbers and dates, in as many queries as in English; the notes email;
the assessment kinds and the dashboards' messages; a student's taking page and Test ID box."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from masterly.accounts.models import User
from masterly.assessments.models import Assessment
from masterly.reports.dashboards.views import _as_of
from masterly.trackers.services import notes
from masterly.trackers.services.reassessment import reassessment_request
from tests.assessment_factories import Mastery
from tests.reports.progress.conftest import mastery as mastery  # the fixture
from tests.reports.progress.conftest import scored as scored  # the fixture
from tests.taking.conftest import make_online

pytestmark = pytest.mark.django_db


def speaks(user: User, language: str) -> Client:
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])
    client = Client()
    client.force_login(user)
    return client


def page(client: Client, url: str) -> tuple[str, int]:
    client.get(url)  # the session's first page sets the language cookie
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode(), len(captured)


def family_urls(m: Mastery) -> dict[str, str]:
    ids = {"student_id": m.world.student.pk, "tracker_id": m.tracker.pk}
    term = m.world.section.terms.get()
    return {
        "mastery": reverse("family_mastery", kwargs=ids) + "?expand=all",
        "current": reverse("family_report_current", kwargs=ids),
        "timeline": reverse("family_report_timeline", kwargs=ids),
        "term": reverse("family_report_term_print", kwargs={**ids, "term_id": term.pk}),
    }


def test_the_mastery_view_and_reports_speak_spanish_in_as_many_queries(scored: Mastery) -> None:
    urls = family_urls(scored)
    english = {name: page(speaks(scored.world.parent, "en"), url) for name, url in urls.items()}
    spanish = {name: page(speaks(scored.world.parent, "es"), url) for name, url in urls.items()}
    for name in urls:
        assert spanish[name][1] == english[name][1], name
        assert '<html lang="es">' in spanish[name][0], name
    view = spanish["mastery"][0]
    assert "Cerca del dominio (NM) · puntuación 75,8 %" in view
    assert "Esta clase usa el método “Promedio decreciente”" in view
    assert "20 de octubre de 2026" in view
    assert "Near Mastery" not in view and "Remediation" not in view
    current = spanish["current"][0]
    assert "Cerca del dominio (NM)" in current and "33 %" in current and "75,8" in current
    timeline = spanish["timeline"][0]
    assert "30 sep" in timeline and "6.RP.A.1, 30 de septiembre de 2026: Refuerzo" in timeline
    term = spanish["term"][0]
    assert "Informe de progreso basado en estándares" in term
    assert "Fall 2026 (1 de agosto de 2026 – 31 de diciembre de 2026)" in term
    assert "Not assessed" not in current + timeline + term


def test_the_notes_email_is_in_the_guardians_language(
    scored: Mastery, django_capture_on_commit_callbacks: object
) -> None:
    world = scored.world
    world.parent.email = "padre@example.org"
    world.parent.preferred_language = "es"
    world.parent.save(update_fields=["email", "preferred_language"])
    notes.note_preference_set(guardian=world.parent, notify_notes=True)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        notes.note_write(
            actor=world.teacher, tracker=scored.tracker, student=world.student, text="x"
        )
    [message] = mail.outbox
    assert message.subject == f"Una nota de {world.teacher.display_name}"
    assert "escribió una nota a su familia sobre Period 1" in message.body
    assert "Notas para los padres" in message.body


def test_assessment_kinds_and_dashboard_messages_are_translated() -> None:
    with translation.override("es"):
        assert str(Assessment.Kind.COMMON.label) == "Evaluación común"
        assert str(Assessment.Kind.QUICK_CHECK.label) == "Comprobación rápida"
        today = datetime.date(2026, 12, 2)
        assert _as_of("ayer", today) == (
            today,
            "“ayer” no es una fecha: elija una con el selector (AAAA-MM-DD).",
        )
        assert _as_of("2999-01-01", today)[1].startswith("Ese día todavía no ha llegado")


def test_a_student_starts_a_test_in_spanish(scored: Mastery) -> None:
    online = make_online(scored)
    client = speaks(scored.world.student, "es")
    html, _queries = page(client, f"/take/assignments/{online.assignment.pk}/")
    assert "Tiempo límite" in html and "30 minutos" in html and ">Empezar<" in html
    assert "<dt>Abierta</dt>" in html  # the assessment is open: not "Abiertas", nor the verb


def test_the_test_id_button_says_open_it_not_open_as_a_state(scored: Mastery) -> None:
    """The Test ID button's "Open" is a verb ("Abrir"); elsewhere "Open" is the state of one
    assessment's window ("Abierta"). One Spanish word for both read "Abiertas" on the button."""
    online = make_online(scored)
    client = speaks(scored.world.student, "es")
    home, _queries = page(client, reverse("student_home"))
    find, _queries = page(client, reverse("taking:find"))
    start, _queries = page(client, f"/take/assignments/{online.assignment.pk}/")
    for html in (home, find):
        assert '<button type="submit" class="button">Abrir</button>' in html
    assert "<dt>Abierta</dt>" in start
    assert "Abiertas" not in home + find + start


def test_the_calculators_add_key_is_sumar_and_staff_add_buttons_are_not() -> None:
    """The calculator's + key reads "Sumar" (add numbers) to a Spanish-speaking student;
    the one msgid "Add" made the Add buttons of the composer, the standards and the
    collaborators read "Sumar" to a teacher who chose Spanish."""
    with translation.override("es"):
        calculator = render_to_string("portals/taking/_tools.html", {"tools": {"calculator"}})
        composer_add = Template('{% load i18n %}{% translate "Add" %}').render(Context())
    assert 'data-key="+" aria-label="Sumar"' in calculator
    assert composer_add != "Sumar"


def test_a_parent_reads_their_childs_page_in_spanish(scored: Mastery) -> None:
    student = scored.world.student
    student.identifier, student.grades = "S-1042", "06"
    student.save(update_fields=["identifier", "grades"])
    html, _queries = page(
        speaks(scored.world.parent, "es"), reverse("student_detail", args=[student.pk])
    )
    assert "<dt>Número de estudiante</dt><dd>S-1042</dd>" in html
    assert "<dt>Grado</dt><dd>6</dd>" in html and "Clases actuales" in html
    assert "Student ID" not in html


def test_a_student_reads_their_reassessment_requests_in_spanish(scored: Mastery) -> None:
    student = scored.world.student
    reassessment_request(
        student=student, tracker=scored.tracker, standard=scored.standard_a, reason="Lo repasé."
    )
    html, _queries = page(speaks(student, "es"), reverse("my_reassessments"))
    assert '<th scope="col">Sobre</th>' in html  # what was asked about, not a date ("Fecha")
    assert "<strong>Esperando al maestro</strong>" in html and "Waiting" not in html
