"""The demo's guardians' activation: ``parent`` has activated (chose their sign-in); a second
guardian of ``teacher``'s first class has not, prefers Spanish, and waits with the published
code ``DEMO_CODE`` (printed by ``masterly demo`` and ``masterly start``, like the password)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone

from masterly.accounts import activation_codes
from masterly.accounts.models import ActivationCode, User
from masterly.roster.models import Enrollment, GuardianLink

DEMO_CODE = "MATH-4FAM-7CXY"  # published, as the demo password is: never a real code


def waiting_guardian() -> User | None:
    """A guardian (not ``parent``) of a student in ``teacher``'s first class, always the same."""
    sections = Enrollment.objects.filter(
        user__username="teacher", role=Enrollment.Role.TEACHER, is_active=True
    ).values("section")
    students = Enrollment.objects.filter(
        section__in=sections, role=Enrollment.Role.STUDENT, is_active=True
    ).values("user")
    link = (
        GuardianLink.objects.filter(student__in=students, is_active=True)
        .exclude(guardian__username="parent")
        .select_related("guardian")
        .order_by("guardian__sourced_id")
        .first()
    )
    return link.guardian if link else None


def build_activation_demo() -> list[str]:
    now = timezone.now()
    User.objects.filter(username="parent", sign_in_chosen_at__isnull=True).update(
        sign_in_chosen_at=now
    )
    guardian = waiting_guardian()
    if guardian is None:
        return ["No guardian to wait for activation in this demo."]
    guardian.preferred_language = "es"
    if guardian.sign_in_chosen_at is None:
        guardian.set_unusable_password()  # the roster's guardian, before activation
    guardian.save(update_fields=["preferred_language", "password"])
    code_hash = activation_codes.code_hash(activation_codes.normalize(DEMO_CODE) or "")
    expires = now + datetime.timedelta(days=settings.ACTIVATION_CODE_DAYS)
    ActivationCode.objects.filter(guardian=guardian, used_at__isnull=True).exclude(
        code_hash=code_hash
    ).update(revoked_at=now)
    if not ActivationCode.objects.filter(code_hash=code_hash).exclude(used_at=None).exists():
        # Loaded again: the published code is made usable anew (never once someone used it).
        ActivationCode.objects.update_or_create(
            code_hash=code_hash,
            defaults={
                "guardian": guardian,
                "created_at": now,
                "expires_at": expires,
                "revoked_at": None,
            },
        )
    return [f"Guardians' activation: {activation_line()}"]


def activation_line() -> str:
    """What ``masterly start`` and ``masterly demo`` print about the waiting guardian."""
    guardian = waiting_guardian()
    if guardian is None:
        return ""
    if guardian.sign_in_chosen_at is not None:
        return "the demo guardian who was waiting for activation has activated."
    return (
        f"{guardian.display_name} (prefers Spanish) has not activated yet: open /activate/ "
        f"and type the code {DEMO_CODE}."
    )
