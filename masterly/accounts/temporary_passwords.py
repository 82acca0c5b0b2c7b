"""Temporary passwords: a teacher resets a young student's password to a code the student
types (read from the screen or a printed card); signed in with it, the student must choose
their own password before anything else.

The code is the account's password (hashed like any other), so sign-in is allauth's own; a
:class:`~masterly.accounts.models.TemporaryPassword` row says it is temporary and until when.
Who may reset whose password is decided above (``masterly.roster.student_passwords``).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from masterly.accounts.models import TemporaryPassword, User
from masterly.core import audit
from masterly.core.readable_codes import READABLE, random_code, typed_code

# No look-alikes (0/O, 1/I/L, 2/Z, 5/S, 8/B, U/V): what is printed is read one way.
ALPHABET = READABLE
CODE_LENGTH = 8  # 23**8: about 78 billion codes, behind the sign-in limits
VALID_FOR = datetime.timedelta(days=14)
# Remembered in the session at sign-in: the student must choose a password first.
MUST_CHOOSE_KEY = "masterly_must_choose_password"


def new_code() -> str:
    return random_code(CODE_LENGTH)


def normal_code(typed: str) -> str | None:
    """A code as it was typed, in capitals without spaces or dashes, if it can be one."""
    return typed_code(typed, length=CODE_LENGTH)


def temporary_passwords_issue(
    *, actor: User, students: Sequence[User], context: str
) -> dict[int, str]:
    """Give each student a new temporary password (student id → code), replacing their
    password and any earlier code; ``context`` (the class) goes in the audit rows. The codes
    are returned once and stored only hashed."""
    now = timezone.now()
    expires_at = now + VALID_FOR
    codes = {student.pk: new_code() for student in students}
    with transaction.atomic():
        for student in students:
            student.set_password(codes[student.pk])
        User.objects.bulk_update(list(students), ["password"])
        TemporaryPassword.objects.filter(user__in=list(codes)).delete()
        TemporaryPassword.objects.bulk_create(
            TemporaryPassword(user=student, issued_by=actor, issued_at=now, expires_at=expires_at)
            for student in students
        )
        audit.record_many(
            actor=actor,
            action="account.temporary_password_issued",
            model=User,
            events=[
                (
                    student.pk,
                    f"Temporary password for {student.username} ({context})",
                    {"context": context, "expires_at": expires_at.isoformat()},
                )
                for student in students
            ],
        )
    return codes


def must_choose_password(user: User) -> bool:
    """Whether the user signed in with a temporary password (one query)."""
    return TemporaryPassword.objects.filter(user=user).exists()


def temporary_password_expired(user: User) -> bool:
    """Whether the user's password is a temporary one past its date (one query)."""
    return TemporaryPassword.objects.filter(user=user, expires_at__lte=timezone.now()).exists()


def own_password_choose(*, user: User, password: str) -> None:
    """The student's own password in place of the temporary one; refused with the validators'
    messages (nothing changed) when it is too weak or is the temporary code again."""
    if user.check_password(password):
        raise ValidationError("Choose a new password, not the code from your card.")
    validate_password(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        TemporaryPassword.objects.filter(user=user).delete()
        audit.record(
            actor=user,
            action="account.own_password_chosen",
            target=user,
            summary=f"{user.username} chose their own password after a temporary one",
        )
