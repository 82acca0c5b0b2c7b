"""Roles: who is a teacher, student, guardian, leader or admin, and where.

OneRoster 1.1 gives one role per user row (users.csv ``role`` at its ``orgSourcedIds``);
OneRoster 1.2 has roles.csv, a row per role. Both are staged here per (user, Masterly role,
org) and become ``RoleAssignment`` rows in the apply.
"""

from __future__ import annotations

from django.db import transaction

from masterly.core.bulk import insert_rows
from masterly.integrations.oneroster.context import ImportContext
from masterly.integrations.oneroster.models import StagedRole
from masterly.integrations.oneroster.rows import RoleRow, parse_rows
from masterly.integrations.oneroster.staging import known_ids, org_types
from masterly.integrations.oneroster.steps.base import FileStep
from masterly.integrations.oneroster.summary import FileSummary
from masterly.roster.models import Org, Role

PLAIN_ROLES = {
    "teacher": Role.TEACHER,
    "aide": Role.TEACHER,
    "proctor": Role.TEACHER,
    "student": Role.STUDENT,
    "parent": Role.GUARDIAN,
    "guardian": Role.GUARDIAN,
    "relative": Role.GUARDIAN,
}
# Administrators lead what their org is: a school (school leader) or a district (admin).
ADMIN_ROLES = {
    "administrator",
    "siteAdministrator",
    "principal",
    "districtAdministrator",
    "systemAdministrator",
}
ADMIN_BY_ORG_TYPE = {
    Org.Type.SCHOOL: Role.SCHOOL_LEADER,
    Org.Type.DISTRICT: Role.DISTRICT_ADMIN,
}


def masterly_role(oneroster_role: str, org_type: str) -> Role | None:
    """The Masterly role a OneRoster role at an org of this type gives (None: none, e.g.
    a counselor, or an administrator of a department)."""
    if oneroster_role in ADMIN_ROLES:
        return ADMIN_BY_ORG_TYPE.get(Org.Type(org_type))
    return PLAIN_ROLES.get(oneroster_role)


RoleKey = tuple[str, str, str]  # (user sourcedId, Masterly role, org sourcedId)


class RoleWriter:
    """Stages role assignments a chunk at a time; the apply writes and sweeps them."""

    kind = "role"

    def __init__(self, ctx: ImportContext, entry: FileSummary) -> None:
        self.ctx = ctx
        self.entry = entry

    def write(self, assignments: dict[RoleKey, bool]) -> None:
        token = self.ctx.token
        insert_rows(
            StagedRole,
            (
                {"token": token, "user_sid": user, "role": role, "org_sid": org, "is_primary": p}
                for (user, role, org), p in assignments.items()
            ),
        )

    def finish(self) -> None:
        self.ctx.applies.append((self.kind, self.entry))


class RoleStep(FileStep):
    """roles.csv (OneRoster 1.2)."""

    filename = "roles.csv"
    label = "roles.csv"

    def __init__(self, ctx: ImportContext) -> None:
        super().__init__(ctx)
        self.writer = RoleWriter(ctx, self.entry)

    def chunk(self, chunk: list[tuple[int, dict[str, str]]]) -> None:
        rows = self.unique(parse_rows(RoleRow, self.filename, chunk, self.ctx.errors))
        token = self.ctx.token
        users = known_ids("user", token, {row.user_sourced_id for _, row in rows})
        orgs = org_types(token, {row.org_sourced_id for _, row in rows})
        assignments: dict[RoleKey, bool] = {}
        for line, row in rows:
            user = self.resolve(
                "user", users, row.user_sourced_id, line=line, column="userSourcedId"
            )
            org = self.resolve("org", orgs, row.org_sourced_id, line=line, column="orgSourcedId")
            if user is None or org is None or row.to_be_deleted:
                continue  # a role to be deleted is simply not given again
            role = masterly_role(row.role, org[1])
            if role is not None:
                key = (user, role.value, org[0])
                assignments[key] = assignments.get(key, False) or row.role_type == "primary"
        with transaction.atomic():
            self.writer.write(assignments)

    def finish(self) -> None:
        self.writer.finish()
