"""A leader and a district admin read the dashboards in a real browser: mastery by standard,
two sections compared, the figures a month back, a drill-down to a student, the exports."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse

from tests.browser.conftest import screenshot
from tests.browser.test_browser_sign_in import assert_no_serious_violations, sign_in
from tests.dashboards.conftest import OCTOBER, School
from tests.dashboards.conftest import school as school  # the fixture

pytestmark = pytest.mark.browser


def test_a_leader_reads_compares_goes_back_drills_down_and_exports(
    page: Any, school: School
) -> None:
    sign_in(page, "leader")
    page.get_by_role("link", name="Mastery dashboard").click()
    page.wait_for_load_state()
    standards = page.get_by_role("table", name="Mastery by standard")
    row = standards.get_by_role("row").filter(has_text="6.RP.A.1")
    assert "26" in row.inner_text()  # the students of the three classes with 6.RP.A.1
    screenshot(page, "dashboard-leader-school")
    assert_no_serious_violations(page)

    page.get_by_label("Compare Math 6 - P1").check()
    page.get_by_label("Compare Math 7 - P2").check()
    page.get_by_role("button", name="Compare the chosen figures").click()
    page.wait_for_load_state()
    compared = page.get_by_role("table", name="The figures compared")
    assert "Math 6 - P1" in compared.inner_text() and "Math 7 - P2" in compared.inner_text()
    screenshot(page, "dashboard-leader-compare")

    month_back = OCTOBER - datetime.timedelta(days=30)
    page.get_by_label("As of").fill(month_back.isoformat())
    page.get_by_role("button", name="Show", exact=True).click()
    page.wait_for_load_state()
    assert month_back.isoformat() in page.url
    sections = page.get_by_role("table", name="Mastery by section")
    big = sections.get_by_role("row").filter(has_text="Math 6 - P1").inner_text()
    # On 15 September the class's 90s put half its cells (one standard of two) at Mastery.
    assert big.split("\t")[-4:] == ["12", "50%", "0%", "50%"]
    screenshot(page, "dashboard-leader-month-back")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download this table (CSV)").nth(2).click()
    assert download.value.suggested_filename.endswith(".csv")
    with page.expect_download(timeout=120_000) as pdf:  # WeasyPrint, on a loaded machine
        page.get_by_role("link", name="Download as PDF").click(no_wait_after=True)
    assert pdf.value.suggested_filename.endswith(".pdf")

    grades = page.get_by_role("table", name="Mastery by grade")
    grades.get_by_role("link", name="Grade 6").click()
    page.wait_for_load_state()
    assert "grade 6" in page.get_by_role("heading", level=1).inner_text()
    page.get_by_role("table", name="Mastery by section").get_by_role(
        "link", name="Math 6 - P1"
    ).click()
    page.wait_for_load_state()
    student = school.students[school.big.pk][0]
    page.locator(f'a[href="{reverse("student_detail", args=[student.pk])}"]').first.click()
    page.wait_for_load_state()
    assert page.url.endswith(reverse("student_detail", args=[student.pk]))
    screenshot(page, "dashboard-leader-student")


def test_a_district_admin_reads_every_school_and_opens_one(page: Any, school: School) -> None:
    sign_in(page, "admin")
    page.goto(reverse("district_home"))
    page.get_by_role("link", name="Mastery dashboard").click()
    page.wait_for_load_state()
    schools = page.get_by_role("table", name="Mastery by school")
    assert "Brooks Middle" in schools.inner_text()
    screenshot(page, "dashboard-district")
    assert_no_serious_violations(page)
    schools.get_by_role("link", name="Adams Middle").click()
    page.wait_for_load_state()
    assert "Adams Middle" in page.get_by_role("heading", level=1).inner_text()
