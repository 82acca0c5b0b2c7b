"""Guardian links from ``agentSourcedIds``, once every user and role of the import is known.

A student's row may list their guardians, a guardian's row their children, or both. The pairs
were put aside while users.csv was read (an agent may be on a later line); here every agent is
checked, and the apply turns the pairs into ``GuardianLink`` rows: the guardian is whichever
of the two holds the guardian role, the child whichever holds the student role. Other agents
(a teacher's, say) are not guardianship and are left alone.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef

from masterly.accounts.models import User
from masterly.integrations.oneroster.errors import MAX_ERRORS
from masterly.integrations.oneroster.models import AgentPair, StagedUser
from masterly.integrations.oneroster.steps.base import REFERENCED, CheckStep

KIND = "guardian"
FILE = "users.csv"


class GuardianLinkStep(CheckStep):
    """Runs after users.csv (and roles.csv): checks that every agent put aside is a user."""

    filename = FILE

    def run(self) -> None:
        ctx = self.ctx
        entry = ctx.summary.entry("users.csv:guardians", "guardian links (agentSourcedIds)")
        staged = StagedUser.objects.filter(
            token=ctx.token, deleted=False, sourced_id=OuterRef("agent_sourced_id")
        )
        unknown = (
            AgentPair.objects.filter(token=ctx.token)
            .filter(
                ~Exists(staged),
                ~Exists(User.objects.filter(sourced_id=OuterRef("agent_sourced_id"))),
            )
            .order_by("pk")
            .values_list("line", "agent_sourced_id")[:MAX_ERRORS]
        )
        noun, file = REFERENCED["user"]
        for line, agent_sid in unknown:
            if agent_sid not in ctx.rejected.get("user", ()):
                ctx.errors.add(
                    FILE,
                    f"“{agent_sid}” is not {noun} in {file} or already in Masterly. Add it to "
                    f"{file}, or correct the id.",
                    line=line,
                    column="agentSourcedIds",
                )
        ctx.applies.append((KIND, entry))
