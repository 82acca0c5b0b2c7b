"""Which language a person reads Masterly in, and saving the one they choose.

A person's ``preferred_language`` is where the roster put it (a guardian's home language, from
OneRoster's ``metadata.preferredLanguage``) until they choose one with the header's switch; from
then on it is theirs (``language_chosen_at``: roster re-imports keep it). It wins over the browser's
language and the language cookie on every signed-in page (:class:`PreferredLanguageMiddleware`
in ``masterly.accounts.middleware``), so a Spanish-speaking parent reads Spanish on any device.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from masterly.accounts.models import User
from masterly.core import audit


def known_language(code: str | None) -> str | None:
    """``code`` as one of settings.LANGUAGES ("es-MX" → "es"), or None."""
    wanted = (code or "").strip().lower().replace("_", "-").split("-")[0]
    known = {language for language, _name in settings.LANGUAGES}
    return wanted if wanted in known else None


# A well-formed BCP 47 language tag (RFC 5646's langtag, or a private-use tag), case ignored:
# language[-extlang][-script][-region][-variant…][-extension…][-x-privateuse].
_BCP47 = re.compile(
    r"(?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4,8})"
    r"(?:-[a-z]{4})?"
    r"(?:-(?:[a-z]{2}|\d{3}))?"
    r"(?:-(?:[a-z\d]{5,8}|\d[a-z\d]{3}))*"
    r"(?:-[a-wyz\d](?:-[a-z\d]{2,8})+)*"
    r"(?:-x(?:-[a-z\d]{1,8})+)?"
    r"|x(?:-[a-z\d]{1,8})+",
    re.IGNORECASE,
)


def is_language_tag(text: str) -> bool:
    """Whether ``text`` is a well-formed BCP 47 language tag (``es``, ``es-MX``, ``zh-Hant``)."""
    return _BCP47.fullmatch(text) is not None


def preferred_language_set(*, user: User, language: str) -> User:
    """Save ``language`` (one of settings.LANGUAGES) as the language ``user`` chose to read in:
    from now on roster imports keep it, even when it is the roster's own."""
    chosen = known_language(language)
    if chosen is None or chosen != language:
        raise ValueError(f"Unknown language {language!r}.")
    if user.preferred_language == chosen and user.language_chosen_at is not None:
        return user
    with transaction.atomic():
        earlier = user.preferred_language
        user.preferred_language = chosen
        user.language_chosen_at = timezone.now()
        user.save(update_fields=["preferred_language", "language_chosen_at"])
        audit.record(
            actor=user,
            action="accounts.language_chosen",
            target=user,
            summary=f"Chose to read Masterly in {chosen}",
            details={"from": earlier, "to": chosen},
        )
    return user
