"""The district admin's program flags page: upload, the outcome at once, the counts now."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from masterly.core.models import AuditEvent
from masterly.roster.models import StudentGroupMembership

pytestmark = pytest.mark.django_db

PROGRAMS = reverse("oneroster:programs")
HEADER = "student_sourced_id,english_learner,iep,504,economically_disadvantaged\n"


def upload(client, text: str, **data):
    file = SimpleUploadedFile("flags.csv", text.encode(), content_type="text/csv")
    return client.post(PROGRAMS, {"file": file, **data}, follow=True)


def test_an_admin_uploads_flags_and_sees_what_changed(client, world):
    client.force_login(world.admin)
    page = upload(client, HEADER + "u-student,yes,,,yes\nu-other_student,,yes,,\n")

    text = page.content.decode()
    assert "Program flags from flags.csv: 2 student(s) read, 3 flag(s) added, 0 removed." in text
    assert "English learners: 1 added, 0 removed, 0 unchanged" in text
    assert set(StudentGroupMembership.objects.values_list("student__username", "group")) == {
        ("student", "program:english_learner"),
        ("student", "program:economically_disadvantaged"),
        ("other_student", "program:iep"),
    }
    assert AuditEvent.objects.get(action="roster.programs_import").actor == world.admin


def test_a_bad_file_lists_every_problem_and_changes_nothing(client, world):
    client.force_login(world.admin)
    page = upload(client, HEADER + "u-student,maybe,,,\nu-teacher,yes,,,\n")

    text = page.content.decode()
    assert "The file was rejected and nothing was changed" in text
    assert "flags.csv, line 2, column english_learner: “maybe” is not yes or no." in text
    assert "flags.csv, line 3, column student_sourced_id: “u-teacher” is not a student" in text
    assert not StudentGroupMembership.objects.exists()
    assert not AuditEvent.objects.filter(action="roster.programs_import").exists()


def test_a_check_only_upload_saves_nothing(client, world):
    client.force_login(world.admin)
    page = upload(client, HEADER + "u-student,yes,,,\n", dry_run="on")
    assert "(checked only: nothing was saved)" in page.content.decode()
    assert not StudentGroupMembership.objects.exists()


@pytest.mark.parametrize("who", ["teacher", "student", "parent", "leader"])
def test_everyone_but_district_admins_gets_403(client, world, who):
    client.force_login(getattr(world, who))
    assert client.get(PROGRAMS).status_code == 403
    assert upload(client, HEADER + "u-student,yes,,,\n").status_code == 403
    assert not StudentGroupMembership.objects.exists()


def test_the_page_costs_the_same_queries_with_few_or_many_members(
    client, world, django_assert_num_queries
):
    client.force_login(world.admin)
    client.get(PROGRAMS)  # the session and the roles, read once
    with django_assert_num_queries(4) as few:
        client.get(PROGRAMS)
    StudentGroupMembership.objects.bulk_create(
        StudentGroupMembership(student=student, group=group, source="programs")
        for student in (world.student, world.other_student, world.school_b_student)
        for group in ("program:iep", "program:504")
    )
    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get(PROGRAMS)
    assert b">3</td>" in page.content


def test_a_file_past_the_upload_limit_is_refused_naming_the_limit(client, world, settings):
    settings.MAX_UPLOAD_MB = 1
    client.force_login(world.admin)
    rows = "".join(f"u-student{n},yes,,,\n" for n in range(60_000))  # about 1.3 MB
    page = upload(client, HEADER + rows)

    assert "larger than 1 MB, the largest upload this server accepts" in page.content.decode()
    assert not StudentGroupMembership.objects.exists()
