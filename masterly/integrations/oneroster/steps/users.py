"""users.csv: people, their usernames, and (OneRoster 1.1) their roles; guardians' agents."""

from __future__ import annotations

from dataclasses import dataclass, field

from masterly.core.bulk import insert_rows
from masterly.integrations.oneroster.context import ImportContext, row_hash
from masterly.integrations.oneroster.models import AgentPair
from masterly.integrations.oneroster.rows import PREFERRED_LANGUAGE, UserRow, UserRowV11
from masterly.integrations.oneroster.staging import chosen_usernames, org_types, username_holders
from masterly.integrations.oneroster.steps.base import Pending, SourcedFileStep, StagedRow
from masterly.integrations.oneroster.steps.languages import (
    ROLES_WITH_A_LANGUAGE,
    not_for_this_role,
    roster_language,
)
from masterly.integrations.oneroster.steps.roles import RoleKey, RoleWriter, masterly_role


@dataclass
class UserRefs:
    holders: dict[str, str | None]  # username → sourcedId of whoever has it now
    orgs: dict[str, tuple[str, str]] = field(default_factory=dict)  # 1.1: → (sid, type)
    in_chunk: dict[str, int] = field(default_factory=dict)  # username → first line here
    chosen: dict[str, str | None] = field(default_factory=dict)  # chosen at activation → sid


class UserStep(SourcedFileStep[UserRow]):
    filename = "users.csv"
    label = "users.csv"
    kind = "user"

    def __init__(self, ctx: ImportContext) -> None:
        super().__init__(ctx)
        self.v11 = ctx.manifest.version == "1.1"
        self.row_model = UserRowV11 if self.v11 else UserRow
        self.roles: RoleWriter | None = None
        if self.v11:
            entry = ctx.summary.entry("users.csv:roles", "roles (from users.csv)")
            self.roles = RoleWriter(ctx, entry)

    def lookup(self, rows: list[tuple[int, UserRow]]) -> UserRefs:
        usernames = {row.username or row.sourced_id for _, row in rows}
        holders = username_holders(self.ctx.token, usernames)
        refs = UserRefs(
            holders=holders,
            # Only names someone has now can be someone's chosen one.
            chosen=chosen_usernames(usernames & holders.keys()),
        )
        if self.v11:
            orgs = {org for _, row in rows for org in row.org_sourced_ids}  # type: ignore[attr-defined]
            refs.orgs = org_types(self.ctx.token, orgs)
        return refs

    def record(self, line: int, row: UserRow, refs: UserRefs) -> StagedRow | None:
        username = row.username or row.sourced_id  # OneRoster allows an empty username
        if refs.chosen.get(username, row.sourced_id) != row.sourced_id:
            # A guardian chose this name at activation: it stays theirs, and this person is
            # known by their sourcedId instead of the whole import being refused over it.
            username = row.sourced_id
        ok = self.username_free(line, row, username, refs)
        if isinstance(row, UserRowV11):
            for org in row.org_sourced_ids:
                ok &= (
                    self.resolve("org", refs.orgs, org, line=line, column="orgSourcedIds")
                    is not None
                )
        if not ok:
            return None
        language = self.language(line, row)
        return StagedRow(
            row.sourced_id,
            row_hash(
                username,
                row.given_name,
                row.family_name,
                row.middle_name,
                row.email,
                row.identifier,
                row.grades,
                row.enabled,
                # Only when given: the rows of files without it keep their earlier hashes.
                *([language] if language else []),
            ),
            row.enabled,
            {
                "username": username,
                "first_name": row.given_name,
                "last_name": row.family_name,
                "middle_name": row.middle_name,
                "email": row.email,
                "identifier": row.identifier,
                "grades": row.grades,
                "preferred_language": language,
            },
        )

    def language(self, line: int, row: UserRow) -> str:
        """The row's supported language ("" if none), after a warning for one ignored."""
        language, ignored = roster_language(row.preferred_language)
        if language and isinstance(row, UserRowV11) and row.role not in ROLES_WITH_A_LANGUAGE:
            language, ignored = "", not_for_this_role(row.role)
        if ignored:
            self.ctx.summary.warn(self.filename, ignored, line=line, column=PREFERRED_LANGUAGE)
        self.ctx.languages_given |= bool(language)
        return language

    def username_free(self, line: int, row: UserRow, username: str, refs: UserRefs) -> bool:
        first = refs.in_chunk.setdefault(username, line)
        if first != line:
            self.error(
                f"username “{username}” is also on line {first}. Every person needs their own "
                "username: change one of them.",
                line=line,
                column="username",
            )
            return False
        if username in refs.holders and refs.holders[username] != row.sourced_id:
            holder = refs.holders[username]
            who = f"the user with sourcedId “{holder}”" if holder else "an account made in Masterly"
            self.error(
                f"username “{username}” already belongs to {who}. Every person needs their own "
                "username: change one of them.",
                line=line,
                column="username",
            )
            return False
        return True

    def after(self, pending: list[Pending], refs: UserRefs) -> None:
        ctx = self.ctx
        insert_rows(
            AgentPair,
            (
                {
                    "token": ctx.token,
                    "line": line,
                    "user_sourced_id": row.sourced_id,
                    "agent_sourced_id": agent,
                }
                for line, row, record in pending
                if record.fields
                for agent in row.agent_sourced_ids
            ),
        )
        if self.roles is not None:
            assignments: dict[RoleKey, bool] = {}
            for _, row, record in pending:
                if not record.fields:
                    continue  # a person to be deleted keeps no role
                user = record.sourced_id
                for position, org_id in enumerate(row.org_sourced_ids):
                    pk, org_type = refs.orgs[org_id]
                    role = masterly_role(row.role, org_type)
                    if role is not None:
                        key = (user, role.value, pk)
                        # 1.1 has no primary flag: the first org listed is the primary one.
                        assignments[key] = assignments.get(key, False) or position == 0
            self.roles.write(assignments)

    def finish(self) -> None:
        super().finish()
        if self.roles is not None:
            self.roles.finish()
