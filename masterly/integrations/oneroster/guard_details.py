"""What a refused mass deactivation would retire, said specifically: how many of which kind,
out of how many, and a few names ("30 of 30 students, …; for example Ann Lee, …").

"Gone" means what the apply means: an active record from an import (it has a sourcedId) that
this import's staging does not hold as present and active. Read only, a few queries, run
only when the guard refuses.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from masterly.accounts.models import User
from masterly.integrations.oneroster.models import StagedEnrollment, StagedUser
from masterly.roster.models import Enrollment, Role, RoleAssignment

EXAMPLES = 3
# (one, several) of each kind, in the order a message lists them.
PEOPLE_KINDS = {
    Role.STUDENT: ("student", "students"),
    Role.TEACHER: ("teacher", "teachers"),
    Role.GUARDIAN: ("parent or guardian", "parents and guardians"),
    Role.SCHOOL_LEADER: ("school leader", "school leaders"),
    Role.DISTRICT_ADMIN: ("district admin", "district admins"),
}


def _staged_present(model: type[StagedUser | StagedEnrollment], token: int, sid: str) -> Exists:
    return Exists(
        model.objects.filter(token=token, sourced_id=OuterRef(sid), deleted=False, is_active=True)
    )


def _gone(sid: str, model: type[StagedUser | StagedEnrollment], token: int) -> Q:
    return Q(**{f"{sid}__isnull": False}) & ~Q(_staged_present(model, token, sid))


def _of(gone: int, total: int, kind: tuple[str, str]) -> str:
    return _("%(gone)s of %(total)s %(kind)s") % {
        "gone": f"{gone:,}",
        "total": f"{total:,}",
        "kind": kind[0] if total == 1 else kind[1],
    }


def _examples(names: list[str], gone: int) -> str:
    if not names:
        return ""
    listed = ", ".join(names)
    if gone > len(names):
        listed = _("%(names)s and %(more)s more") % {
            "names": listed,
            "more": f"{gone - len(names):,}",
        }
    return _("; for example %(names)s") % {"names": listed}


def _by_kind(rows: QuerySet, key: str, label: dict[str, tuple[str, str]]) -> list[str]:
    counted = {row[key]: (row["gone"], row["total"]) for row in rows}
    return [
        _of(*counted[kind], label[kind]) for kind in label if kind in counted and counted[kind][0]
    ]


def people_gone(token: int) -> str:
    """ "30 of the 30 students, 2 of the 5 teachers; for example Ann Lee, Bo Chan and 30 more"
    (two queries)."""
    roles = (
        RoleAssignment.objects.filter(is_active=True, user__is_active=True)
        .values("role")
        .annotate(
            total=Count("user_id", distinct=True),
            gone=Count(
                "user_id", distinct=True, filter=_gone("user__sourced_id", StagedUser, token)
            ),
        )
        .order_by()
    )
    kinds = _by_kind(roles, "role", {str(k): v for k, v in PEOPLE_KINDS.items()})
    gone = User.objects.filter(Q(is_active=True) & _gone("sourced_id", StagedUser, token))
    names = [
        user.display_name for user in gone.order_by("last_name", "first_name", "pk")[:EXAMPLES]
    ]
    return ", ".join(kinds) + _examples(
        names, gone.count() if len(names) == EXAMPLES else len(names)
    )


def enrollments_gone(token: int, *, today: datetime.date) -> str:
    """ "20 of the 20 student enrollments, …; for example Ann Lee in Math 6, …" among the
    enrollments of active classes that have not ended (three queries)."""
    current = Enrollment.objects.filter(is_active=True, section__is_active=True).filter(
        Q(section__ends_on__isnull=True) | Q(section__ends_on__gte=today)
    )
    kinds = _by_kind(
        current.values("role")
        .annotate(
            total=Count("pk"),
            gone=Count("pk", filter=_gone("sourced_id", StagedEnrollment, token)),
        )
        .order_by(),
        "role",
        {
            str(k): (
                _("%(role)s enrollment") % {"role": k.label.lower()},
                _("%(role)s enrollments") % {"role": k.label.lower()},
            )
            for k in Enrollment.Role
        },
    )
    gone = current.filter(_gone("sourced_id", StagedEnrollment, token))
    examples = gone.select_related("user", "section").order_by(
        "user__last_name", "user__first_name", "pk"
    )[:EXAMPLES]
    names = [
        _("%(person)s in %(class)s") % {"person": e.user.display_name, "class": e.section.title}
        for e in examples
    ]
    return ", ".join(kinds) + _examples(
        names, gone.count() if len(names) == EXAMPLES else len(names)
    )
