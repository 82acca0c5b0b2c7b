"""What the tracker pages say: counts in the singular for one ("1 score saved", never "1
scores"), and a publisher's inline markup shown as formatting, never as tags, with anything
beyond the allowed tags shown as text."""

from __future__ import annotations

from django.urls import reverse

from masterly.assessments.models import AssessmentStandard
from masterly.trackers.models import RecomputeRun
from masterly.trackers.services.scoring import quick_check_create
from tests.tracker_pages.conftest import DAY, AssessmentFactory, Pages, text, url
from tests.tracker_pages.test_tracker_settings_pages import class_of_three

# ------------------------------------------------------------------ one and many


def save_scores(pages: Pages, points: dict[int, str]) -> str:
    """Save ``points`` (by student) on 6.RP.A.1 through the entry form, without JavaScript;
    the page the teacher lands on."""
    check = quick_check_create(
        actor=pages.world.teacher,
        tracker=pages.tracker,
        title=f"Exit ticket {len(points)}",
        assessed_on=DAY,
        standards=[pages.ratio_1],
        points_possible=4,
    )
    address = reverse("quick_check_scores", args=[pages.tracker.pk, check.pk])
    form: dict[str, str] = {}
    for student_id, value in points.items():
        key = f"{student_id}-{pages.ratio_1.pk}"
        form |= {f"points-{key}": value, f"version-{key}": "0", f"shown-{key}": ""}
    client = pages.client("teacher")
    response = client.post(address, form)
    assert response.status_code == 302
    return text(client.get(address))


def test_saved_scores_are_counted_in_the_singular_and_the_plural(pages: Pages) -> None:
    ada, ben, _cy = class_of_three(pages)
    assert "1 score saved." in save_scores(pages, {ada.pk: "3"})
    assert "2 scores saved." in save_scores(pages, {ada.pk: "3", ben.pk: "4"})


def test_changed_students_are_counted_in_the_singular_and_the_plural(pages: Pages) -> None:
    ada, ben, _cy = class_of_three(pages)
    client = pages.client("teacher")
    tools = url("tracker_tools", pages)
    client.post(tools, {"action": "save", "tool": [f"{ada.pk}:calculator"]})
    assert "Tools and accommodations saved (1 student changed)." in text(client.get(tools))
    client.post(tools, {"action": "save", "tool": [f"{ben.pk}:calculator"]})
    assert "Tools and accommodations saved (2 students changed)." in text(client.get(tools))


def test_assessment_counts_and_cells_are_counted_in_the_singular_and_the_plural(
    pages: Pages,
) -> None:
    # Two assessments with evidence on 6.RP.A.1, one on 6.RP.A.2, none on 6.EE.A.1.
    for standards in ([pages.ratio_1], [pages.ratio_1, pages.ratio_2]):
        quiz = AssessmentFactory()
        for standard in standards:
            AssessmentStandard.objects.create(assessment=quiz, standard=standard, points_possible=4)
            pages.record(pages.world.student, standard, 3, assessment=quiz)
    grid = text(pages.client("teacher").get(url("tracker_grid", pages)))
    assert '2<span class="visually-hidden"> assessments</span>' in grid
    assert '1<span class="visually-hidden"> assessment</span>' in grid
    assert '0<span class="visually-hidden"> assessments</span>' in grid

    run = RecomputeRun.objects.get(tracker=pages.tracker)
    progress = reverse("trackers:recompute_progress", args=[pages.tracker.pk, run.pk])
    assert "3 of 3 cells (100 %)" in text(pages.client("teacher").get(progress))
    RecomputeRun.objects.filter(pk=run.pk).update(total_cells=1, done_cells=1)
    assert "1 of 1 cell (100 %)" in text(pages.client("teacher").get(progress))


# ------------------------------------------------------------------ inline markup


def statement_pages(pages: Pages, statement: str) -> list[str]:
    """The cell drill-down and the reteach groups of 6.RP.A.1, once its statement is this."""
    pages.ratio_1.full_statement = statement
    pages.ratio_1.abbreviated_statement = ""
    pages.ratio_1.save(update_fields=["full_statement", "abbreviated_statement"])
    client = pages.client("teacher")
    student = pages.world.student
    return [
        client.get(address).content.decode()
        for address in (
            reverse("tracker_cell", args=[pages.tracker.pk, student.pk, pages.ratio_1.pk]),
            reverse("tracker_reteach_groups", args=[pages.tracker.pk, pages.ratio_1.pk]),
        )
    ]


def test_emphasis_in_a_statement_is_formatting_on_the_cell_and_reteach_pages(
    pages: Pages,
) -> None:
    for html in statement_pages(pages, "Use <em>ratio</em> language."):
        assert "Use <em>ratio</em> language." in html
        assert "&lt;em&gt;" not in html


def test_a_statement_carries_no_markup_beyond_the_allowed_tags(pages: Pages) -> None:
    statement = 'Use <em onclick="steal()">ratio</em> <script>alert(1)</script> language.'
    for html in statement_pages(pages, statement):
        assert "<script>alert" not in html and 'onclick="steal()"' not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown as the text it is


def test_the_quick_check_form_and_entry_page_show_statements_as_plain_text(
    pages: Pages,
) -> None:
    statement_pages(pages, "Use <em>ratio</em> language.")
    client = pages.client("teacher")
    form = client.get(reverse("quick_check_new", args=[pages.tracker.pk])).content.decode()
    assert "6.RP.A.1 — Use ratio language." in form
    check = quick_check_create(
        actor=pages.world.teacher,
        tracker=pages.tracker,
        title="Ratios",
        assessed_on=DAY,
        standards=[pages.ratio_1],
        points_possible=4,
    )
    entry = client.get(reverse("quick_check_scores", args=[pages.tracker.pk, check.pk]))
    assert '<abbr title="Use ratio language.">6.RP.A.1</abbr>' in entry.content.decode()
    assert "&lt;em&gt;" not in form + entry.content.decode()


def test_the_quick_check_form_cuts_a_long_statement_with_an_ellipsis(pages: Pages) -> None:
    statement_pages(pages, "Understand the concept of a ratio and use ratio language " * 3)
    form = pages.client("teacher").get(reverse("quick_check_new", args=[pages.tracker.pk]))
    label = "6.RP.A.1 — " + ("Understand the concept of a ratio and use ratio language " * 2)[:89]
    assert label + "…</label>" in form.content.decode()
