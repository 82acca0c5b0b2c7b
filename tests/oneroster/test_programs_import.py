"""The program flags file (English learner, IEP, 504, economically disadvantaged): yes adds,
no removes, empty leaves as it is; any problem is named by line and column and changes
nothing (the audit log included)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from masterly.accounts.models import User
from masterly.core.models import AuditEvent
from masterly.integrations.oneroster.errors import RosterImportRejected
from masterly.integrations.oneroster.programs import AUDIT_ACTION, programs_import
from masterly.integrations.oneroster.source import FileSource
from masterly.roster.models import Section, StudentGroupMembership
from masterly.trackers.models import Tracker
from tests.assessment_factories import StandardFactory, make_tracker
from tests.oneroster.builders import district, snapshot

pytestmark = pytest.mark.django_db

HEADER = "student_sourced_id,english_learner,iep,504,economically_disadvantaged\n"


@pytest.fixture
def roster(import_set):
    import_set(district())  # students st1 and st2, teacher t1


def run(text: str, *, name: str = "programs.csv", dry_run: bool = False):
    data = text.encode()
    source = FileSource(io.BytesIO(data), name=name, size=len(data))
    return programs_import(source=source, actor=None, dry_run=dry_run)


def groups() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for sid, group, source in StudentGroupMembership.objects.values_list(
        "student__sourced_id", "group", "source"
    ):
        assert source == "programs"
        found.setdefault(sid, set()).add(group)
    return found


def test_yes_adds_no_removes_and_empty_leaves_as_it_is(roster):
    summary = run(HEADER + "st1,yes,no,,YES\nst2,,yes,yes,\n")
    assert groups() == {
        "st1": {"program:english_learner", "program:economically_disadvantaged"},
        "st2": {"program:iep", "program:504"},
    }
    assert summary.headline() == (
        "Program flags from programs.csv: 2 student(s) read, 4 flag(s) added, 0 removed"
    )

    run(HEADER + "st1,no,,,\n")  # st2 is not in the file: left alone
    assert groups() == {
        "st1": {"program:economically_disadvantaged"},
        "st2": {"program:iep", "program:504"},
    }
    audit = AuditEvent.objects.filter(action=AUDIT_ACTION).order_by("pk").last()
    assert audit.summary.endswith("0 flag(s) added, 1 removed")


def test_a_dry_run_says_what_would_change_and_changes_nothing(roster):
    before = snapshot()
    summary = run(HEADER + "st1,yes,,,\n", dry_run=True)
    assert summary.groups["program:english_learner"].created == 1
    assert snapshot() == before


def test_the_command_imports_a_file(roster, tmp_path):
    path = tmp_path / "flags.csv"
    path.write_text(HEADER + "st2,yes,,,\n")
    out = io.StringIO()
    # The summary is English, as the admin's import pages are, even with Spanish active (as it
    # is after a Spanish-speaking admin's request in the same thread).
    with translation.override("es"):
        call_command("import_programs", str(path), stdout=out)
    assert "English learners: 1 added, 0 removed, 0 unchanged" in out.getvalue()
    assert groups() == {"st2": {"program:english_learner"}}


def test_the_command_names_each_problem(roster, tmp_path):
    path = tmp_path / "flags.csv"
    path.write_text(HEADER + "nobody,yes,,,\n")
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 problem"):
        call_command("import_programs", str(path), stderr=err)
    assert "flags.csv, line 2, column student_sourced_id: “nobody” is not a student" in (
        err.getvalue()
    )


@pytest.fixture
def before(roster):
    run(HEADER + "st1,yes,,,\n")
    return snapshot(), groups()


def rejected(text: str) -> list[str]:
    with pytest.raises(RosterImportRejected) as refusal:
        run(text)
    return [str(error) for error in refusal.value.errors]


def unchanged(before) -> bool:
    return (snapshot(), groups()) == before


def test_an_unknown_student_is_named(before):
    assert rejected(HEADER + "st2,no,,,\nnobody,yes,,,\nt1,yes,,,\n") == [
        "programs.csv, line 3, column student_sourced_id: “nobody” is not a student in "
        "Masterly. Write the student's sourcedId as in your OneRoster files (import the roster "
        "first for a new student).",
        "programs.csv, line 4, column student_sourced_id: “t1” is not a student in Masterly. "
        "Write the student's sourcedId as in your OneRoster files (import the roster first for a "
        "new student).",
    ]
    assert unchanged(before)


def test_a_bad_value_is_named_by_line_and_column(before):
    assert rejected(HEADER + "st2,no,y,,\nst1,,,true,\n") == [
        "programs.csv, line 2, column iep: “y” is not yes or no. Write yes, no, or leave it empty.",
        "programs.csv, line 3, column 504: “true” is not yes or no. Write yes, no, or leave it "
        "empty.",
    ]
    assert unchanged(before)


def test_a_missing_column_is_named(before):
    assert rejected("student_sourced_id,english_learner,iep,economically_disadvantaged\n") == [
        "programs.csv, line 1, column 504: the required column “504” is missing from the "
        "header. Add it (spelled exactly so, in the first line) and import again."
    ]
    assert unchanged(before)


def test_a_repeated_student_is_named(before):
    assert rejected(HEADER + "st2,yes,,,\nst1,no,,,\nst2,no,,,\n") == [
        "programs.csv, line 4, column student_sourced_id: student “st2” is also on line 2. Each "
        "student's flags go on one row: remove the repeated row."
    ]
    assert unchanged(before)


def test_an_empty_student_id_and_a_file_that_is_not_text_are_named(before):
    assert rejected(HEADER + ",yes,,,\n") == [
        "programs.csv, line 2, column student_sourced_id: student_sourced_id is empty, but "
        "every row needs a value here. Fill it in."
    ]
    with pytest.raises(RosterImportRejected) as refusal:
        data = b"\x89PNG\r\n\x1a\n\x00\x00"
        programs_import(
            source=FileSource(io.BytesIO(data), name="photo.csv", size=len(data)), actor=None
        )
    assert "not UTF-8 text" in str(refusal.value.errors[0])
    assert unchanged(before)


def test_a_change_of_programs_marks_the_dashboards_counts_stale_and_no_change_does_not(roster):
    # The dashboards split every count by group: a file that moves a student between groups
    # must send every tracker's counts to be rebuilt; one that changes nothing must not.
    teacher = User.objects.get(sourced_id="t1")
    tracker = make_tracker(teacher, [Section.objects.first()], [StandardFactory()])
    Tracker.objects.update(counts_stale=False)

    run(HEADER + "st1,,,,\n")  # empty cells: nothing changes
    assert not Tracker.objects.get(pk=tracker.pk).counts_stale

    run(HEADER + "st1,yes,,,\n")
    assert Tracker.objects.get(pk=tracker.pk).counts_stale
