"""The school and district dashboards: what a leader reads, suppression, exports, access."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from masterly.roster.models import StudentGroupMembership
from masterly.trackers.dashboard_counts import rebuild_stale
from masterly.trackers.models import Tracker
from tests.dashboards.conftest import OCTOBER, SEPTEMBER, School


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _school_url(school: School, name: str = "school_dashboard", **kwargs: object) -> str:
    return reverse(name, kwargs={"school_id": school.world.school.pk, **kwargs})


def test_a_leader_reads_mastery_by_standard_and_section(school: School) -> None:
    page = _client(school.world.leader).get(_school_url(school)).content.decode()
    assert "Mastery by standard" in page
    assert "6.RP.A.1" in page
    assert "Math 6 - P1" in page and "Math 7 - P2" in page
    assert "Brooks Math 6" not in page  # another school's class


def test_a_small_class_and_its_complement_are_not_shown(school: School) -> None:
    csv = _client(school.world.leader).get(
        _school_url(school, "school_dashboard_csv", table="section")
    )
    lines = csv.content.decode().splitlines()
    small = next(line for line in lines if line.startswith("Math 7 - P3"))
    assert "not shown" in small and "3" not in small.split(",", 1)[1]
    # P3 (3 students) alone could be worked out from the total: the next smallest goes too.
    other = next(line for line in lines if line.startswith("Math 7 - P2"))
    assert "not shown" in other
    shown = next(line for line in lines if line.startswith("Math 6 - P1"))
    assert shown.split(",")[1] == "12"


def test_no_exported_figure_is_about_fewer_students_than_the_minimum(school: School) -> None:
    for student in school.students[school.small.pk][:2]:
        StudentGroupMembership.objects.create(
            student=student, group="program:iep", source="programs"
        )
    for student in school.students[school.big.pk]:
        StudentGroupMembership.objects.create(
            student=student, group="sex:female", source="oneroster"
        )
    Tracker.objects.update(counts_stale=True)  # as a groups import does
    rebuild_stale()
    client = _client(school.world.leader)
    for table in ("standard", "section", "teacher", "grade", "group", "over_time"):
        response = client.get(_school_url(school, "school_dashboard_csv", table=table))
        assert response.status_code == 200
        for line in response.content.decode().splitlines()[1:]:
            cells = line.split(",")
            if "not shown" in line:
                continue
            assert int(cells[1]) >= 10, (table, line)
    group = client.get(_school_url(school, "school_dashboard_csv", table="group")).content.decode()
    assert 'Students with an IEP,"not shown' in group
    assert "Female,12," in group


def test_as_of_an_earlier_day_shows_the_figures_then(school: School) -> None:
    client = _client(school.world.leader)
    url = _school_url(school, "school_dashboard_csv", table="section")
    before = client.get(url, {"as_of": (SEPTEMBER - datetime.timedelta(days=1)).isoformat()})
    row = next(x for x in before.content.decode().splitlines() if x.startswith("Math 6 - P1"))
    # Not assessed: 24 of 24 cells (12 students × 2 standards).
    assert row.endswith("24,100")
    september = client.get(url, {"as_of": SEPTEMBER.isoformat()}).content.decode()
    row = next(x for x in september.splitlines() if x.startswith("Math 6 - P1"))
    assert row.startswith("Math 6 - P1,12,12,50")  # half the cells at Mastery


def test_a_bad_as_of_date_says_what_is_wrong_and_shows_today(school: School) -> None:
    page = _client(school.world.leader).get(_school_url(school), {"as_of": "yesterday"})
    assert "is not a date" in page.content.decode()
    future = _client(school.world.leader).get(_school_url(school), {"as_of": "2999-01-01"})
    assert "has not come yet" in future.content.decode()


def test_comparing_two_sections_shows_them_side_by_side(school: School) -> None:
    page = (
        _client(school.world.leader)
        .get(_school_url(school), {"compare": [f"section:{school.big.pk}", "grade:07"]})
        .content.decode()
    )
    assert "Side by side" in page


def test_the_pdf_is_the_print_view(school: School) -> None:
    response = _client(school.world.leader).get(_school_url(school, "school_dashboard_pdf"))
    assert response.status_code in (200, 503)
    if response.status_code == 200:
        assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize(
    "name, kwargs",
    [
        ("school_dashboard", {}),
        ("school_dashboard_print", {}),
        ("school_dashboard_pdf", {}),
        ("school_dashboard_csv", {"table": "section"}),
    ],
)
def test_a_leader_of_another_school_sees_nothing_of_it(
    school: School, name: str, kwargs: dict[str, str]
) -> None:
    response = _client(school.world.other_leader).get(_school_url(school, name, **kwargs))
    assert response.status_code == 404


@pytest.mark.parametrize("who", ["teacher", "student", "parent"])
def test_teachers_students_and_parents_see_no_dashboard(school: School, who: str) -> None:
    client = _client(getattr(school.world, who))
    assert client.get(_school_url(school)).status_code == 404
    assert client.get(reverse("district_dashboard")).status_code == 403
    csv = client.get(reverse("district_dashboard_csv", kwargs={"table": "school"}))
    assert csv.status_code == 403


def test_a_district_admin_sees_every_school_and_a_leader_no_district(school: School) -> None:
    page = _client(school.world.admin).get(reverse("district_dashboard")).content.decode()
    assert "Mastery by school" in page and "Brooks Middle" in page and "Adams Middle" in page
    assert _client(school.world.leader).get(reverse("district_dashboard")).status_code == 403


def test_the_dashboard_costs_the_same_queries_for_a_small_and_a_large_school(
    school: School, django_assert_max_num_queries: object
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _client(school.world.leader)
    client.get(_school_url(school))
    with CaptureQueriesContext(connection) as small:
        client.get(_school_url(school))
    for _ in range(15):
        from tests import factories as f

        f.EnrollmentFactory(section=school.big)
    school.score(school.big, school.standards[1], 55, OCTOBER)
    rebuild_stale()
    with CaptureQueriesContext(connection) as large:
        client.get(_school_url(school))
    assert len(small) == len(large)


def test_each_csv_is_headed_by_what_its_rows_are_whatever_the_tables_title(
    school: School,
) -> None:
    client = _client(school.world.leader)
    for table, heading in (
        ("standard", "Standard"),
        ("section", "Section"),
        ("teacher", "Teacher"),
        ("grade", "Grade"),
        ("group", "Student group"),
        ("over_time", "As of"),
    ):
        response = client.get(_school_url(school, "school_dashboard_csv", table=table))
        header = response.content.decode().splitlines()[0]
        assert header.startswith(f"{heading},Students,"), header
        assert header.endswith("Not assessed (count),Not assessed (%)")
        assert f'filename="mastery-{table}-adams-middle-' in response["Content-Disposition"]


def test_a_spanish_speaking_leader_reads_the_dashboard_and_its_csv_in_spanish(
    school: School,
) -> None:
    for student in school.students[school.big.pk]:
        StudentGroupMembership.objects.create(
            student=student, group="sex:female", source="oneroster"
        )
    Tracker.objects.update(counts_stale=True)  # as a groups import does
    rebuild_stale()
    leader = school.world.leader
    leader.preferred_language = "es"
    leader.save(update_fields=["preferred_language"])
    client = _client(leader)
    client.get(_school_url(school))  # the session's first page sets the language cookie
    page = client.get(_school_url(school), {"as_of": "ayer"}).content.decode()
    assert "Dominio por estándar" in page and "Dominio por sección" in page
    assert "Dominio por maestro" in page and "Dominio por grado" in page
    assert ">Sección</th>" in page and ">Grado 7</" in page
    assert "Marque primero las cifras en la columna Comparar" in page  # what Compare needs
    assert "Cifras tal como estaban al final del" in page
    assert "“ayer” no es una fecha" in page
    assert "Mastery by" not in page
    csv = client.get(_school_url(school, "school_dashboard_csv", table="section"))
    lines = csv.content.decode().splitlines()
    assert lines[0].startswith("Sección,Estudiantes,Dominio (cantidad),Dominio (%),")
    assert any(line.startswith('Math 7 - P3,"no se muestra: menos de 10') for line in lines)
    # The file is named by the table's stable name, not by its title.
    assert 'filename="mastery-section-adams-middle-' in csv["Content-Disposition"]
    over_time = client.get(_school_url(school, "school_dashboard_csv", table="over_time"))
    assert over_time.content.decode().startswith("A fecha de,Estudiantes,")
    # Student groups are named in the reader's language too, on the page and in the file.
    assert ">Femenino</" in page and "Female" not in page
    group = client.get(_school_url(school, "school_dashboard_csv", table="group"))
    assert "\nFemenino,12," in group.content.decode()
