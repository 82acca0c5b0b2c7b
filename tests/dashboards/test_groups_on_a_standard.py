"""A standard broken down by student group: counted per standard, suppressed like every
figure, chosen on the page, exported as CSV."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from masterly.roster.models import StudentGroupMembership
from masterly.standards.models import Standard
from masterly.trackers.dashboard_counts import rebuild_stale
from masterly.trackers.models import Tracker
from masterly.trackers.selectors.dashboard import Dashboard, school_dashboard
from tests.dashboards.conftest import SEPTEMBER, School


@pytest.fixture
def grouped(school: School) -> School:
    def give(section_id: int, group: str) -> None:
        for student in school.students[section_id]:
            StudentGroupMembership.objects.create(student=student, group=group, source="oneroster")

    give(school.big.pk, "sex:female")  # 12
    give(school.other.pk, "sex:male")  # 11
    for student in school.students[school.small.pk][:2]:
        StudentGroupMembership.objects.create(
            student=student, group="program:iep", source="programs"
        )
    Tracker.objects.update(counts_stale=True)  # as a groups import does
    rebuild_stale()
    return school


def _dashboard(
    school: School, standard: int | None, as_of: datetime.date | None = None
) -> Dashboard:
    return school_dashboard(
        school.world.leader,
        as_role=None,
        school_id=school.world.school.pk,
        as_of=as_of or timezone.localdate(),
        standard=standard,
    )


def _figures(dashboard: Dashboard) -> dict[str, tuple[int, dict[str, int], bool]]:
    return {
        row.label: (row.students, row.raw, row.suppressed)
        for row in dashboard.table("group_standard").rows
    }


def test_each_groups_students_on_the_standard_at_their_level(grouped: School) -> None:
    standard = grouped.standards[0]
    figures = _figures(_dashboard(grouped, standard.pk))
    assert figures["Female"] == (12, {"NM": 12}, False)
    assert figures["Male"] == (11, {"NM": 11}, False)
    assert figures["Students with an IEP"][2]  # two students: not shown
    assert figures["Students with an IEP"][1] == {}
    september = _figures(_dashboard(grouped, standard.pk, SEPTEMBER))
    assert september["Female"] == (12, {"M": 12}, False)
    # On the standard nobody in the school was assessed on: every group not assessed.
    assert _figures(_dashboard(grouped, grouped.standards[1].pk))["Female"] == (
        12,
        {"": 12},
        False,
    )


def test_a_small_group_on_a_standard_hides_the_next_smallest_of_its_family(
    grouped: School,
) -> None:
    for student in grouped.students[grouped.small.pk]:
        StudentGroupMembership.objects.create(
            student=student, group="sex:other", source="oneroster"
        )
    Tracker.objects.update(counts_stale=True)
    rebuild_stale()
    figures = _figures(_dashboard(grouped, grouped.standards[0].pk))
    hidden = {label for label, (_, _, suppressed) in figures.items() if suppressed}
    # 3 could be worked out from the standard's 26 less 12 and 11: Male is hidden too.
    assert hidden == {"Another sex or not specified", "Male", "Students with an IEP"}
    assert figures["Male"][1] == {}


def test_no_table_without_a_standard_and_none_of_a_standard_outside_the_school(
    grouped: School,
) -> None:
    assert "group_standard" not in _dashboard(grouped, None).tables
    assert _dashboard(grouped, 2_000_000_000).table("group_standard").rows == []


def _client(school: School) -> Client:
    client = Client()
    client.force_login(school.world.leader)
    return client


def test_the_page_offers_the_standards_and_shows_the_chosen_ones_groups(grouped: School) -> None:
    standard = grouped.standards[0]
    url = reverse("school_dashboard", kwargs={"school_id": grouped.world.school.pk})
    page = _client(grouped).get(url).content.decode()
    assert f'<option value="{standard.pk}">6.RP.A.1</option>' in page
    assert "Mastery by student group on" not in page
    page = _client(grouped).get(url, {"standard": standard.pk}).content.decode()
    assert "Mastery by student group on 6.RP.A.1" in page
    assert f'<option value="{standard.pk}" selected>' in page
    csv = _client(grouped).get(
        reverse(
            "school_dashboard_csv",
            kwargs={"school_id": grouped.world.school.pk, "table": "group_standard"},
        ),
        {"standard": standard.pk},
    )
    lines = csv.content.decode().splitlines()
    assert lines[0].startswith("Student group on 6.RP.A.1,Students")
    assert any(line.startswith("Female,12,") for line in lines)
    assert any(line.startswith('Students with an IEP,"not shown') for line in lines)


def test_a_standard_that_is_not_a_number_is_refused_with_a_message(grouped: School) -> None:
    url = reverse("school_dashboard", kwargs={"school_id": grouped.world.school.pk})
    response = _client(grouped).get(url, {"standard": "6.RP"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "is not a standard: choose one from the list." in page
    assert "Mastery by student group on" not in page
    csv = _client(grouped).get(
        reverse(
            "school_dashboard_csv",
            kwargs={"school_id": grouped.world.school.pk, "table": "group_standard"},
        )
    )
    assert csv.status_code == 404  # no standard chosen: no such table


def test_standards_are_listed_in_their_frameworks_order(grouped: School) -> None:
    first, second = grouped.standards  # 6.RP.A.1 and 6.RP.A.2
    Standard.objects.filter(pk=first.pk).update(tree_path="0001.0002")
    Standard.objects.filter(pk=second.pk).update(tree_path="0001.0001")
    dashboard = _dashboard(grouped, None)
    assert [code for _, code in dashboard.standard_choices()] == ["6.RP.A.2", "6.RP.A.1"]
    Standard.objects.filter(pk=second.pk).update(tree_path="0001.0003")
    dashboard = _dashboard(grouped, None)
    assert [code for _, code in dashboard.standard_choices()] == ["6.RP.A.1", "6.RP.A.2"]


def test_shares_are_written_as_the_readers_language_writes_them(grouped: School) -> None:
    url = reverse("school_dashboard", kwargs={"school_id": grouped.world.school.pk})
    client = _client(grouped)
    assert '<td class="num">100%</td>' in client.get(url).content.decode()
    client.post(reverse("language_switch"), {"language": "es", "next": url})
    page = client.get(url).content.decode()
    # A no-break space: a narrow column never puts the sign on a line of its own.
    assert '<td class="num">100\u00a0%</td>' in page
    assert '<td class="num">100%</td>' not in page
    assert "100\u00a0%</title>" in page  # the chart's figures too
