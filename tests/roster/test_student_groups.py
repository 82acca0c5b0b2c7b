import pytest
from django.db import IntegrityError

from masterly.roster.groups import GROUPS, PROGRAM_GROUPS, group_label
from masterly.roster.models import StudentGroupMembership
from tests.factories import UserFactory


def test_every_group_has_a_plain_label_and_fits_the_column():
    assert group_label("program:english_learner") == "English learners"
    assert group_label("no:such") == "no:such"
    assert all(
        len(key) <= StudentGroupMembership._meta.get_field("group").max_length and label
        for key, label in GROUPS.items()
    )
    assert PROGRAM_GROUPS == (
        "program:english_learner",
        "program:iep",
        "program:504",
        "program:economically_disadvantaged",
    )


@pytest.mark.django_db
def test_a_student_is_in_a_group_once():
    student = UserFactory()
    StudentGroupMembership.objects.create(student=student, group="race:asian", source="oneroster")
    with pytest.raises(IntegrityError):
        StudentGroupMembership.objects.create(
            student=student, group="race:asian", source="oneroster"
        )
