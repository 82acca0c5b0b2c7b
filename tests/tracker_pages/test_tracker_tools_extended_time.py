"""Tools & Accommodations: the teacher chooses each student's extended time factor beside the
extended time checkbox; a factor not offered is refused with nothing saved."""

from __future__ import annotations

from decimal import Decimal

from masterly.assessments.models import Accommodations
from masterly.assessments.selectors import extended_time_factors_of
from tests.tracker_pages.conftest import Pages, text, url

SCHOOL_YEAR = 2027


def test_the_teacher_chooses_the_extended_time_factor_per_student(pages: Pages) -> None:
    student = pages.world.student
    client = pages.client("teacher")
    page = text(client.get(url("tracker_tools", pages)))
    assert f'name="factor-{student.pk}"' in page
    assert '<option value="1.5" selected>× 1.5</option>' in page  # the default
    response = client.post(
        url("tracker_tools", pages),
        {"action": "save", "tool": [f"{student.pk}:extended_time"], f"factor-{student.pk}": "2"},
    )
    assert response.status_code == 302
    assert extended_time_factors_of([student.pk], SCHOOL_YEAR) == {student.pk: Decimal(2)}
    page = text(client.get(url("tracker_tools", pages)))
    assert '<option value="2" selected>× 2</option>' in page


def test_a_factor_not_offered_is_refused_with_nothing_saved(pages: Pages) -> None:
    student = pages.world.student
    client = pages.client("teacher")
    for factor in ["1.1", "ten", "NaN", "-2", ""]:
        response = client.post(
            url("tracker_tools", pages),
            {
                "action": "save",
                "tool": [f"{student.pk}:extended_time"],
                f"factor-{student.pk}": factor,
            },
        )
        assert response.status_code == 400, factor
        assert "Choose an extended time factor from the list." in text(response), factor
    assert not Accommodations.objects.exists()


def test_another_teacher_cannot_set_a_factor(pages: Pages) -> None:
    student = pages.world.student
    response = pages.client("other_teacher").post(
        url("tracker_tools", pages),
        {"action": "save", "tool": [f"{student.pk}:extended_time"], f"factor-{student.pk}": "3"},
    )
    assert response.status_code in {403, 404}
    assert not Accommodations.objects.exists()
