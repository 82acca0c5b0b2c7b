"""The Mastery View, shared by students (/student/trackers/<id>/) and families
(/family/<student>/trackers/<id>/): tabs, expand without JavaScript, the pictures with text,
plain words with the student's own numbers, evidence, next steps, portal settings."""

from __future__ import annotations

import re

import pytest

from masterly.assessments.models import Attempt
from masterly.trackers.models import PortalShow, Tracker
from tests.assessment_factories import AssessmentFactory, Mastery, StandardFactory
from tests.assessment_factories import mastery as mastery  # the fixture
from tests.portals.mastery_world import assign, family_url, get, precedes, student_url

pytestmark = pytest.mark.django_db


def scored(m: Mastery) -> None:
    quiz = AssessmentFactory(title="Ratios quiz")
    m.record(earned=60, assessment=quiz)
    m.record(earned=80)
    m.record(earned=90)
    m.record(standard=m.standard_b, earned=30)


def test_student_sees_levels_tabs_pictures_and_plain_words(mastery: Mastery) -> None:
    scored(mastery)
    html = get(mastery.world.student, student_url(mastery.tracker))
    assert "My mastery in Period 1" in html
    # One tab per level, with counts: A is M (decaying 60, 80, 90 → 84.05), B is R, C is NS.
    tabs = re.findall(r'data-tab="(\w+)"', html)
    assert tabs == ["M", "NM", "R", "NS"]
    assert re.search(
        r'<svg class="mastery-circle"[^>]*role="img"[^>]*aria-label="Standards by '
        r'level: Mastery: 1, Near Mastery: 0, Remediation: 1, Not assessed: 1"',
        html,
    )
    assert 'class="mastery-bar"' in html and "2 of 3 standards assessed (67%)" in html
    # The calculation with this student's numbers, and what each level means.
    assert (
        "The scores, oldest first, 60%, 80% and 90%, the latest counting most, give 84.1%." in html
    )
    assert "84.1% is Mastery (M), which starts at 80%." in html
    assert "Mastery (M): 80% of the points or more." in html
    assert "Near Mastery (NM): from 50% up to just below 80%." in html
    assert "each new score counts 65% and the result before it 35%" in html
    # The evidence: dates, assessment names, points.
    assert "Ratios quiz" in html and "60 of 100" in html
    # The first tab with standards is open; the others are hidden until chosen.
    assert re.search(r'data-panel="M"[^>]*>', html).group(0).find("hidden") == -1
    assert "hidden" in re.search(r'data-panel="R"[^>]*>', html).group(0)
    assert "Parent Notes" not in html  # the family's button only


def test_family_sees_the_same_view_framed_for_them(mastery: Mastery) -> None:
    scored(mastery)
    w = mastery.world
    html = get(w.parent, family_url(w.student, mastery.tracker))
    assert f"{w.student.display_name}'s mastery in Period 1" in html
    assert "84.1% is Mastery (M)" in html
    assert f"mailto:{w.teacher.email}?subject=Period%201" in html
    base = family_url(w.student, mastery.tracker)
    assert f'href="{base}reports/"' in html and f'href="{base}notes/"' in html


def test_tabs_and_expand_all_work_without_javascript(mastery: Mastery) -> None:
    scored(mastery)
    url = student_url(mastery.tracker)
    html = get(mastery.world.student, url + "?level=R")
    assert "hidden" not in re.search(r'data-panel="R"[^>]*>', html).group(0)
    assert "hidden" in re.search(r'data-panel="M"[^>]*>', html).group(0)
    assert not re.search(r"<details class=\"mastery-standard\"[^>]* open", html)
    html = get(mastery.world.student, url + "?level=R&expand=all")
    assert re.search(r"<details class=\"mastery-standard\" id=\"standard-\d+\" open>", html)
    # A level the scale does not have falls back to the first tab with standards.
    html = get(mastery.world.student, url + "?level=%3Cscript%3E")
    assert "<script>" not in html.split("<main", 1)[1].split("</main>")[0]


def test_hidden_scores_stay_hidden(mastery: Mastery) -> None:
    scored(mastery)
    Tracker.objects.filter(pk=mastery.tracker.pk).update(portal_scores=PortalShow.NEVER)
    html = get(mastery.world.parent, family_url(mastery.world.student, mastery.tracker))
    assert "60 of 100" not in html and "84.1" not in html and "60%" not in html
    assert "do not show scores here" in html
    assert "Ratios quiz" in html  # the assessment and level are still shown


def test_scores_after_all_wait_for_every_student(mastery: Mastery) -> None:
    quiz = AssessmentFactory(title="Unit test")
    assign(mastery, quiz)
    mastery.record(earned=70, assessment=quiz)
    Tracker.objects.filter(pk=mastery.tracker.pk).update(portal_scores=PortalShow.AFTER_ALL)
    url = student_url(mastery.tracker)
    html = get(mastery.world.student, url)
    assert "70 of 100" not in html and "shown when every student has finished" in html
    Attempt.objects.create(
        assessment=quiz, student=mastery.world.student, submitted_at="2026-09-02T10:00Z"
    )
    assert "70 of 100" in get(mastery.world.student, url)


def test_assessment_link_or_why_it_is_absent(mastery: Mastery) -> None:
    shown = AssessmentFactory(title="Shown quiz")
    hidden = AssessmentFactory(title="Hidden quiz")
    a = assign(mastery, shown, show_assessment="now", show_answer_key="after_all")
    b = assign(mastery, hidden, show_assessment="after_all")
    mastery.record(earned=70, assessment=shown)
    mastery.record(standard=mastery.standard_b, earned=70, assessment=hidden)
    html = get(mastery.world.student, student_url(mastery.tracker) + "?expand=all")
    assert f'href="{student_url(mastery.tracker)}assessments/{a.pk}/"' in html
    assert "Answer key: available when every student has finished." in html
    assert f"assessments/{b.pk}/" not in html
    assert "The assessment “Hidden quiz”: available when every student has finished." in html


def test_what_to_work_on_next(mastery: Mastery) -> None:
    m = mastery
    m.record(earned=90)  # A mastered
    earlier = StandardFactory(framework=m.standard_a.framework, human_coding_scheme="5.NF.1")
    precedes(m.standard_a, m.standard_b)  # A before B: B is ready
    precedes(m.standard_b, m.standard_c)  # B before C: B holds C back, C is not ready
    precedes(earlier, m.standard_b)  # outside the tracker: background, not a blocker
    html = get(m.world.student, student_url(m.tracker))
    next_steps = html.split('id="next-heading"', 1)[1]
    ready = next_steps.split("Ready to learn now", 1)[1].split("</ul>", 1)[0]
    assert "6.RP.A.2" in ready and "6.RP.A.3" not in ready and "6.RP.A.1" not in ready
    held = next_steps.split("Holding other standards back", 1)[1].split("</ul>", 1)[0]
    assert "6.RP.A.2</a>: comes before 6.RP.A.3" in held
    background = next_steps.split("Background to review", 1)[1].split("</ul>", 1)[0]
    assert "Before 6.RP.A.2:" in background and "5.NF.1" in background


def test_a_statements_emphasis_shows_as_emphasis_never_as_tags(mastery: Mastery) -> None:
    scored(mastery)
    standard = mastery.standard_a
    standard.abbreviated_statement = "Use <em>ratio</em> language"
    standard.full_statement = "Use <em>ratio</em> language, 3<sup>2</sup> <script>x</script>"
    standard.save()
    html = get(mastery.world.student, student_url(mastery.tracker))
    assert "<em>ratio</em>" in html and "3<sup>2</sup>" in html  # the full statement, kept
    assert "Use ratio language</span>" in html  # the short one, as plain words
    assert "<script>x" not in html
