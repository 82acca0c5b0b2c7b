"""Guardian links from ``agentSourcedIds``, once every user and role of the import is known.

A student's row may list their guardians, a guardian's row their children, or both. The pairs
were put aside while users.csv was read (an agent may be on a later line); here they are read
back a chunk at a time and become ``GuardianLink`` rows: the guardian is whichever of the two
holds the guardian role, the child whichever holds the student role. Other agents (a
teacher's, say) are not guardianship and are left alone.
"""

from __future__ import annotations

from typing import ClassVar

from masterly.accounts.models import User
from masterly.integrations.oneroster.context import ImportContext
from masterly.integrations.oneroster.models import AgentPair
from masterly.integrations.oneroster.steps.base import REFERENCED
from masterly.roster.models import Role, RoleAssignment
from masterly.roster.services import (
    LinkKey,
    guardian_links_deactivate_missing,
    guardian_links_existing,
    guardian_links_upsert,
)

KIND = "guardian"
FILE = "users.csv"


class GuardianLinkStep:
    """Runs after users.csv (and roles.csv); reads the pairs users.csv put aside."""

    filename: ClassVar[str] = FILE
    reads_file: ClassVar[bool] = False

    def __init__(self, ctx: ImportContext) -> None:
        self.ctx = ctx
        self.broken = False

    def run(self) -> None:
        import_guardian_links(self.ctx, bulk=self.ctx.is_bulk(FILE))


def import_guardian_links(ctx: ImportContext, *, bulk: bool) -> None:
    entry = ctx.summary.entry("users.csv:guardians", "guardian links (agentSourcedIds)")
    last = 0
    while True:
        pairs = list(
            AgentPair.objects.filter(token=ctx.token, pk__gt=last)
            .order_by("pk")
            .values_list("pk", "line", "user_sourced_id", "agent_sourced_id")[: ctx.chunk_size]
        )
        if not pairs:
            break
        last = pairs[-1][0]
        links = _links(ctx, pairs)
        existing = guardian_links_existing(pairs=links)
        met = ctx.touched(KIND, (existing[k].pk for k in links if k in existing))
        fresh = {k for k in links if k not in existing or existing[k].pk not in met}
        result = guardian_links_upsert(pairs=fresh, existing=existing)
        ctx.mark_seen(KIND, result.existing_ids)
        entry.counts.add(result.counts)
    AgentPair.objects.filter(token=ctx.token).delete()
    if bulk and not ctx.errors:
        entry.counts.deactivated += guardian_links_deactivate_missing(
            seen=ctx.seen(KIND), up_to_pk=ctx.before[KIND]
        )


def _links(ctx: ImportContext, pairs: list[tuple[int, int, str, str]]) -> set[LinkKey]:
    people = {sid for _, _, user, agent in pairs for sid in (user, agent)}
    pks = dict(User.objects.filter(sourced_id__in=people).values_list("sourced_id", "pk"))
    roles = RoleAssignment.objects.filter(
        user_id__in=pks.values(), is_active=True, role__in=[Role.GUARDIAN, Role.STUDENT]
    ).values_list("user_id", "role")
    guardians = {user for user, role in roles if role == Role.GUARDIAN}
    students = {user for user, role in roles if role == Role.STUDENT}
    links: set[LinkKey] = set()
    for _, line, user_sid, agent_sid in pairs:
        agent = pks.get(agent_sid)
        user = pks.get(user_sid)
        if agent is None:
            if agent_sid not in ctx.rejected.get("user", ()):
                noun, file = REFERENCED["user"]
                ctx.errors.add(
                    FILE,
                    f"“{agent_sid}” is not {noun} in {file} or already in Masterly. Add it to "
                    f"{file}, or correct the id.",
                    line=line,
                    column="agentSourcedIds",
                )
            continue
        if user is None:
            continue
        if user in students and agent in guardians:
            links.add((agent, user))
        elif user in guardians and agent in students:
            links.add((user, agent))
    return links
