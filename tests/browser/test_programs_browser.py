"""In a real browser: the district admin reaches Program flags from Import rosters, uploads a
file with a mistake (every problem listed, nothing changed), then a good one (what changed);
axe finds nothing serious and the policy holds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from masterly.roster.models import StudentGroupMembership
from tests.browser.conftest import screenshot
from tests.browser.test_browser_sign_in import assert_no_serious_violations, sign_in
from tests.conftest import World

pytestmark = pytest.mark.browser

HEADER = "student_sourced_id,english_learner,iep,504,economically_disadvantaged\n"


def upload(page: Any, path: Path) -> None:
    page.get_by_label("Program flags file (.csv)").set_input_files(str(path))
    page.get_by_role("button", name="Upload").click()
    page.wait_for_load_state("networkidle")


def test_an_admin_uploads_program_flags(page: Any, world: World, tmp_path: Path) -> None:
    sign_in(page, "admin")
    page.goto(reverse("oneroster:imports"))
    page.get_by_role("link", name="upload program flags").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Program flags"
    assert_no_serious_violations(page)

    bad = tmp_path / "flags.csv"
    bad.write_text(HEADER + "u-student,sometimes,,,\nu-nobody,yes,,,\n")
    upload(page, bad)
    problems = page.get_by_role("alert").filter(has_text="nothing was changed").inner_text()
    assert "flags.csv, line 2, column english_learner: “sometimes” is not yes or no." in problems
    assert "flags.csv, line 3, column student_sourced_id: “u-nobody” is not a student" in problems
    assert not StudentGroupMembership.objects.exists()
    screenshot(page, "program-flags-rejected")
    assert_no_serious_violations(page)

    good = tmp_path / "flags.csv"
    good.write_text(HEADER + "u-student,yes,,,yes\nu-other_student,no,yes,,\n")
    upload(page, good)
    assert "3 flag(s) added, 0 removed" in page.content()
    row = page.get_by_role("row", name="English learners")
    assert row.get_by_role("cell").last.inner_text() == "1"
    screenshot(page, "program-flags-uploaded")
    assert_no_serious_violations(page)
