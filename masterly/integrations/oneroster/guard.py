"""The mass-deactivation guard: a bulk file that would retire much of the district is refused
unless an admin confirms it (a users.csv with only its header must never empty the district).

It counts, before anything is applied, the active people the files would deactivate and the
enrollments of classes that have not ended yet; a new school year's export that retires last
year's classes passes, because classes whose last term has ended are not counted. A refusal
says what would go, by kind, out of how many, with a few names (``guard_details.py``), so the
admin can tell a broken export from a real new year.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy

from masterly.integrations.oneroster.context import ImportContext
from masterly.integrations.oneroster.errors import MassDeactivationRefused, RosterImportError
from masterly.integrations.oneroster.guard_details import enrollments_gone, people_gone
from masterly.integrations.oneroster.staging import KINDS
from masterly.roster.models import Section
from masterly.roster.services import staged_would_deactivate

CONFIRM = gettext_lazy(
    "Nothing was changed. If this is what the district means (for example a new school year), "
    "confirm it: press “Import anyway” on the import's page, or run the command again with "
    "--allow-mass-deactivation."
)
PEOPLE = gettext_lazy(
    "this import would deactivate %(gone)s of the %(total)s active people (%(percent)s; the "
    "limit is %(allowed)s, ONEROSTER_MAX_DEACTIVATION_SHARE): %(details)s. %(confirm)s"
)
ENROLLMENTS = gettext_lazy(
    "this import would deactivate %(gone)s of the %(total)s enrollments in classes that have "
    "not ended (%(percent)s; the limit is %(allowed)s, ONEROSTER_MAX_DEACTIVATION_SHARE): "
    "%(details)s. %(confirm)s"
)


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}\N{NO-BREAK SPACE}%"  # "100 %" never broken across lines


def _message(template: str, gone: int, total: int, allowed: str, details: str) -> str:
    return template % {
        "gone": f"{gone:,}",
        "total": f"{total:,}",
        "percent": _percent(gone, total),
        "allowed": allowed,
        "details": details,
        "confirm": CONFIRM,
    }


def deactivation_guard(ctx: ImportContext) -> None:
    """Raise ``MassDeactivationRefused`` when the staged files would deactivate more than the
    allowed share of the active people or of the current enrollments (two queries; a few more
    for the details of a refusal)."""
    share = float(settings.ONEROSTER_MAX_DEACTIVATION_SHARE)
    kinds = {kind for kind, _ in ctx.applies}
    numbers: dict[str, object] = {"share": share}
    problems: list[RosterImportError] = []
    allowed = _percent(int(share * 1000), 1000)
    if "user" in kinds:
        gone, active = staged_would_deactivate(kind=KINDS["user"], token=ctx.token)
        numbers["people"] = [gone, active]
        if active and gone > share * active:
            details = people_gone(ctx.token)
            problems.append(
                RosterImportError(
                    file="users.csv",
                    message=_message(str(PEOPLE), gone, active, allowed, details),
                )
            )
    if "enrollment" in kinds:
        section = connection.ops.quote_name(Section._meta.db_table)
        today = timezone.localdate()
        gone, current = staged_would_deactivate(
            kind=KINDS["enrollment"],
            token=ctx.token,
            among=f"l.section_id IN (SELECT id FROM {section} WHERE is_active "  # noqa: S608
            "AND (ends_on IS NULL OR ends_on >= %s))",
            params=[today],
        )
        numbers["enrollments"] = [gone, current]
        if current and gone > share * current:
            details = enrollments_gone(ctx.token, today=today)
            problems.append(
                RosterImportError(
                    file="enrollments.csv",
                    message=_message(str(ENROLLMENTS), gone, current, allowed, details),
                )
            )
    if problems:
        raise MassDeactivationRefused(problems, numbers)
