"""A teacher resets the passwords of students in the classes they teach (one student, or the
whole class for printed cards). Who may is decided here; the codes are made and recorded by
``masterly.accounts.temporary_passwords``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from masterly.accounts.models import User
from masterly.accounts.temporary_passwords import temporary_passwords_issue
from masterly.roster import access
from masterly.roster.models import Enrollment, Section


@dataclass(frozen=True)
class Card:
    """What a student's card shows: who, their username and the code to sign in with."""

    student: User
    code: str


def taught_section_or_404(user: User, section_id: int | str) -> Section:
    """A class ``user`` teaches, else Http404 (so other classes are not revealed)."""
    return access.access_section(
        user, section_id, queryset=access.taught_sections(user).select_related("school")
    )


def section_students(section: Section) -> list[User]:
    """The students actively enrolled in the class, by name (one query)."""
    enrolled = Enrollment.objects.filter(
        section=section, role=Enrollment.Role.STUDENT, is_active=True
    ).values("user")
    return list(
        User.objects.filter(pk__in=enrolled, is_active=True).order_by(
            "last_name", "first_name", "username"
        )
    )


def student_passwords_reset(
    *, actor: User, section: Section, student_ids: Iterable[int] | None = None
) -> list[Card]:
    """Temporary passwords for the given students of a class the actor teaches (every
    student of it when ``student_ids`` is None); anyone not in the class refuses the whole
    reset. Returns the cards, in name order."""
    if not access.taught_sections(actor).filter(pk=section.pk).exists():
        raise ValidationError("You can reset passwords only for the classes you teach.")
    students = section_students(section)
    if student_ids is not None:
        wanted = set(student_ids)
        if not wanted:
            raise ValidationError("Choose at least one student.")
        if wanted - {student.pk for student in students}:
            raise ValidationError("Choose only students of this class; reload the page.")
        students = [student for student in students if student.pk in wanted]
    if not students:
        raise ValidationError("This class has no students yet.")
    codes = temporary_passwords_issue(actor=actor, students=students, context=section.title)
    return [Card(student, codes[student.pk]) for student in students]
