"""Roles: who is a teacher, student, guardian, leader or admin, and where.

OneRoster 1.1 gives one role per user row (users.csv ``role`` at its ``orgSourcedIds``);
OneRoster 1.2 has roles.csv, a row per role. Both become ``RoleAssignment`` per
(user, Masterly role, org), written here.
"""

from __future__ import annotations

from masterly.accounts.models import User
from masterly.integrations.oneroster.context import ImportContext
from masterly.integrations.oneroster.rows import RoleRow, parse_rows
from masterly.integrations.oneroster.steps.base import FileStep, sourced_pks
from masterly.integrations.oneroster.summary import FileSummary
from masterly.roster.models import Org, Role
from masterly.roster.services import (
    RoleKey,
    role_assignments_deactivate_missing,
    role_assignments_existing,
    role_assignments_upsert,
)

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


class RoleWriter:
    """Writes role assignments a chunk at a time and sweeps the ones a bulk file dropped."""

    kind = "role"

    def __init__(self, ctx: ImportContext, entry: FileSummary) -> None:
        self.ctx = ctx
        self.entry = entry

    def write(self, assignments: dict[RoleKey, bool]) -> None:
        ctx = self.ctx
        existing = role_assignments_existing(user_ids={user for user, _, _ in assignments})
        met = ctx.touched(self.kind, (existing[k].pk for k in assignments if k in existing))
        fresh: dict[RoleKey, bool] = {}
        for key, primary in assignments.items():
            before = existing.get(key)
            if before is not None and before.pk in met:
                # Already written by an earlier row of this import (a teacher who is also an
                # aide at the same school): it only ever gains "primary".
                if primary and not before.is_primary:
                    fresh[key] = True
                continue
            fresh[key] = primary
        result = role_assignments_upsert(assignments=fresh, existing=existing)
        ctx.mark_seen(self.kind, result.existing_ids)
        self.entry.counts.add(result.counts)

    def finish(self) -> None:
        if not self.ctx.errors:
            self.entry.counts.deactivated += role_assignments_deactivate_missing(
                seen=self.ctx.seen(self.kind), up_to_pk=self.ctx.before[self.kind]
            )


class RoleStep(FileStep):
    """roles.csv (OneRoster 1.2)."""

    filename = "roles.csv"
    label = "roles.csv"

    def __init__(self, ctx: ImportContext) -> None:
        super().__init__(ctx)
        self.writer = RoleWriter(ctx, self.entry)

    def chunk(self, chunk: list[tuple[int, dict[str, str]]]) -> None:
        rows = self.unique(parse_rows(RoleRow, self.filename, chunk, self.ctx.errors))
        users = sourced_pks(User, {row.user_sourced_id for _, row in rows})
        orgs = sourced_pks(Org, {row.org_sourced_id for _, row in rows}, "type")
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
        self.writer.write(assignments)

    def finish(self) -> None:
        self.writer.finish()
