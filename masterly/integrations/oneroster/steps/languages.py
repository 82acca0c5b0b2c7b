"""A guardian's or student's language from users.csv's ``metadata.preferredLanguage``.

A supported language (``es``, ``es-MX`` → Spanish) becomes the person's language until they
choose one themselves (``User.language_chosen_at``: the apply keeps theirs). Anything else is
ignored with a warning in the import's summary, never refused: a malformed tag, a language
Masterly does not speak, or a language given to someone who is neither a student nor a guardian
(staff pages are in English). OneRoster 1.1 says the role on the user's row (checked there);
1.2 in roles.csv, so :class:`LanguageRoleStep` checks it once both files are staged.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import CharField, Exists, OuterRef, QuerySet, Value
from django.db.models.functions import Concat, Substr

from masterly.accounts.languages import is_language_tag, known_language
from masterly.integrations.oneroster.manifest import Mode
from masterly.integrations.oneroster.models import StagedRole, StagedUser
from masterly.integrations.oneroster.rows import PREFERRED_LANGUAGE
from masterly.integrations.oneroster.steps.base import CheckStep
from masterly.integrations.oneroster.summary import MAX_WARNINGS
from masterly.roster.models import Role, RoleAssignment

FILE = "users.csv"
# The OneRoster roles whose people read the family and student pages.
ROLES_WITH_A_LANGUAGE = ("student", "parent", "guardian", "relative")
MASTERLY_ROLES_WITH_A_LANGUAGE = (Role.STUDENT, Role.GUARDIAN)


def roster_language(given: str) -> tuple[str, str]:
    """(the language to keep, "" for none; why ``given`` was ignored, "" if it was not)."""
    if not given:
        return "", ""
    shown = given if len(given) <= 40 else given[:40] + "…"
    if not is_language_tag(given):
        return "", (
            f"“{shown}” is not a language tag, so it was ignored. Write a BCP 47 tag such as "
            "es, es-MX or en-US."
        )
    language = known_language(given)
    if language is None:
        spoken = ", ".join(f"{name} ({code})" for code, name in settings.LANGUAGES)
        return "", f"Masterly does not speak “{shown}” yet, so it was ignored: it speaks {spoken}."
    return language, ""


def not_for_this_role(who: str) -> str:
    return (
        f"A preferred language is read for students and guardians only: this {who}'s was "
        "ignored (staff pages are in English)."
    )


class LanguageRoleStep(CheckStep):
    """OneRoster 1.2, after users.csv and roles.csv: a language staged for someone holding
    neither a student nor a guardian role is dropped, with a warning (two statements; none when
    users.csv gave no language)."""

    filename = FILE

    def run(self) -> None:
        if not self.ctx.languages_given:
            return  # most files carry no language: no query
        summary = self.ctx.summary
        without = self._without_such_role()
        room = MAX_WARNINGS - len(summary.warnings) + 1  # one more: whether any are left off
        lines = list(without.order_by("line").values_list("line", flat=True)[: max(room, 1)])
        if not lines:
            return
        for line in lines:
            summary.warn(FILE, not_for_this_role("person"), line=line, column=PREFERRED_LANGUAGE)
        # The row's fingerprint counted the language: marked (an "x" no hex fingerprint has,
        # the same for the same row) so that once the person holds such a role the unchanged
        # row differs from the stored one and its language is read.
        ignored = without.update(
            preferred_language="",
            source_hash=Concat(Value("x"), Substr("source_hash", 2), output_field=CharField()),
        )
        summary.warnings_left_off += ignored - len(lines)

    def _without_such_role(self) -> QuerySet[StagedUser]:
        token = self.ctx.token
        if self.ctx.manifest.mode("roles.csv") is Mode.BULK:  # the file says every role
            roles = StagedRole.objects.filter(token=token, user_sid=OuterRef("sourced_id"))
        else:  # roles.csv absent: the roles the roster has
            roles = RoleAssignment.objects.filter(
                user__sourced_id=OuterRef("sourced_id"), is_active=True
            )
        return (
            StagedUser.objects.filter(token=token, deleted=False)
            .exclude(preferred_language="")
            .filter(~Exists(roles.filter(role__in=MASTERLY_ROLES_WITH_A_LANGUAGE)))
        )
