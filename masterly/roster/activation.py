"""Guardians' activation: codes issued by the school, redeemed by the guardian (issue 14).

A guardian comes from the roster with an unusable password. An activation code lets them
choose their own username or email and password once; every child the roster links to them
(``GuardianLink``) is theirs from then on, with no further step. The code is single-use,
expires after ``ACTIVATION_CODE_DAYS`` and a new one revokes the earlier ones.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from masterly.accounts import activation_codes
from masterly.accounts.models import ActivationCode, User
from masterly.roster.models import Role, RoleAssignment

# One message for every refused code (mistyped, used, expired, revoked, not a guardian's):
# the page says nothing more that would tell a guesser which codes exist.
CODE_REFUSED = _(
    "This activation code is not valid or has expired. Check it against your letter, or ask "
    "your child's school for a new one."
)


EMAIL_SALT = "masterly.activation.email"


def email_token(code: ActivationCode) -> str:
    """The signed token of an activation email's link (valid as long as its code)."""
    return signing.dumps(code.pk, salt=EMAIL_SALT)


def code_id_from_email_token(token: str) -> int | None:
    max_age = datetime.timedelta(days=settings.ACTIVATION_CODE_DAYS)
    try:
        return int(signing.loads(token, salt=EMAIL_SALT, max_age=max_age))
    except (signing.BadSignature, TypeError, ValueError):
        return None


def guardian_language(guardian: User) -> str:
    """The guardian's language from the roster where Masterly has it, else the default."""
    return guardian_language_code(guardian.preferred_language)


def guardian_language_code(preferred: str | None) -> str:
    """A saved preferred language as one Masterly speaks (``es-MX`` → ``es``), else the
    default."""
    wanted = (preferred or "").lower().split("-")[0]
    known = {code for code, _name in settings.LANGUAGES}
    return wanted if wanted in known else settings.LANGUAGE_CODE


def activatable_guardians() -> QuerySet[User]:
    """Live people holding an active guardian role: the only ones a code may be issued to."""
    guardians = RoleAssignment.objects.filter(role=Role.GUARDIAN, is_active=True)
    return User.objects.filter(
        is_active=True, import_pending__isnull=True, pk__in=guardians.values("user")
    )


def _usable(now: datetime.datetime) -> Q:
    return Q(used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now)


def activation_codes_issue(
    *, guardians: Iterable[User], created_by: User | None, now: datetime.datetime | None = None
) -> dict[int, str]:
    """A new code for each guardian (guardian id → code as printed); their earlier unused
    codes are revoked. Three statements for any number of guardians."""
    now = now or timezone.now()
    expires = now + datetime.timedelta(days=settings.ACTIVATION_CODE_DAYS)
    codes = {guardian.pk: activation_codes.new_code() for guardian in guardians}
    if not codes:
        return {}
    with transaction.atomic():
        ActivationCode.objects.filter(_usable(now), guardian_id__in=codes).update(revoked_at=now)
        ActivationCode.objects.bulk_create(
            ActivationCode(
                guardian_id=guardian_id,
                code_hash=activation_codes.code_hash(activation_codes.normalize(code) or ""),
                created_by=created_by,
                created_at=now,
                expires_at=expires,
            )
            for guardian_id, code in codes.items()
        )
    return codes


def activation_code_find(
    typed: str, *, now: datetime.datetime | None = None
) -> ActivationCode | None:
    """The usable code typed (case, spaces and dashes ignored), or None (one query)."""
    code = activation_codes.normalize(typed)
    if code is None:
        return None
    return (
        _usable_codes(now or timezone.now())
        .filter(code_hash=activation_codes.code_hash(code))
        .first()
    )


def activation_code_by_id(
    code_id: object, *, now: datetime.datetime | None = None
) -> ActivationCode | None:
    try:
        pk = int(str(code_id))
    except ValueError:
        return None
    return _usable_codes(now or timezone.now()).filter(pk=pk).first()


def _usable_codes(now: datetime.datetime) -> QuerySet[ActivationCode]:
    return ActivationCode.objects.filter(
        _usable(now), guardian__in=activatable_guardians()
    ).select_related("guardian")


def username_taken(username: str, *, by_other_than: User) -> bool:
    return User.objects.filter(username__iexact=username).exclude(pk=by_other_than.pk).exists()


def activation_complete(
    *,
    code_id: int,
    username: str,
    email: str,
    password: str,
    email_verified: bool = False,
    now: datetime.datetime | None = None,
) -> User:
    """The guardian of a usable code takes ``username`` (or their email as username), ``email``
    and ``password``; the code is used up. Raises ValidationError (nothing changed) when the
    code is no longer usable, the username is taken or the password is refused."""
    now = now or timezone.now()
    with transaction.atomic():
        code = _usable_codes(now).select_for_update().filter(pk=code_id).first()
        if code is None:
            raise ValidationError(CODE_REFUSED, code="code_refused")
        guardian = code.guardian
        username = username or email
        if username_taken(username, by_other_than=guardian):
            raise ValidationError(
                _("This username is taken. Choose another one."), code="username_taken"
            )
        guardian.username = username
        guardian.email = email
        validate_password(password, user=guardian)  # allauth's validators, with their names
        guardian.set_password(password)
        guardian.sign_in_chosen_at = now
        guardian.save(update_fields=["username", "email", "password", "sign_in_chosen_at"])
        EmailAddress.objects.filter(user=guardian).delete()
        if email:
            EmailAddress.objects.create(
                user=guardian, email=email, primary=True, verified=email_verified
            )
        ActivationCode.objects.filter(pk=code.pk).update(used_at=now)
        ActivationCode.objects.filter(_usable(now), guardian=guardian).update(revoked_at=now)
    return guardian
