"""demographics.csv: the student groups (sex, race, ethnicity) dashboards break figures down by.

A row's ``sourcedId`` is a user's (one in users.csv or already in Masterly). Only the groups
it puts the student in are staged, never the birth date or the raw answers (ADR 22).
The file is bulk like every other: the apply makes each student's OneRoster
groups exactly what the file says, and a student the file no longer lists (or marks
tobedeleted) loses theirs. Program groups (English learners, IEP, …) come from the program
flags upload and are never touched here.
"""

from __future__ import annotations

from django.db import transaction

from masterly.core.bulk import insert_rows, rows_where_in
from masterly.integrations.oneroster.models import StagedGroup
from masterly.integrations.oneroster.rows import DemographicRow, parse_rows
from masterly.integrations.oneroster.staging import known_ids
from masterly.integrations.oneroster.steps.base import FileStep
from masterly.roster.groups import demographic_groups

KIND = "demographics"


class DemographicsStep(FileStep):
    filename = "demographics.csv"
    label = "demographics.csv (student groups)"

    def chunk(self, chunk: list[tuple[int, dict[str, str]]]) -> None:
        ctx = self.ctx
        rows = self.unique(parse_rows(DemographicRow, self.filename, chunk, ctx.errors))
        earlier = self.earlier_lines({row.sourced_id for _, row in rows})
        users = self.known_users({row.sourced_id for _, row in rows})
        staged: list[dict[str, object]] = []
        for line, row in rows:
            if row.sourced_id in earlier:
                self.error(
                    f"sourcedId “{row.sourced_id}” is also on line {earlier[row.sourced_id]}. "
                    "Each person's demographics go on one row: remove the repeated row.",
                    line=line,
                    column="sourcedId",
                )
                continue
            if self.resolve("user", users, row.sourced_id, line=line, column="sourcedId") is None:
                continue
            groups = [] if row.to_be_deleted else self.groups_of(row)
            staged += [
                {"token": ctx.token, "line": line, "user_sid": row.sourced_id, "group": group}
                for group in ["", *groups]
            ]
        with transaction.atomic():
            insert_rows(StagedGroup, staged)

    @staticmethod
    def groups_of(row: DemographicRow) -> list[str]:
        return demographic_groups(
            sex=row.sex,
            races=row.races,
            two_or_more=row.two_or_more_races,
            hispanic=row.hispanic_or_latino,
        )

    def earlier_lines(self, sourced_ids: set[str]) -> dict[str, int]:
        """sourcedId → line, for those an earlier chunk of this file already read."""
        rows = rows_where_in(StagedGroup, ("token", "user_sid", "line"), "user_sid", sourced_ids)
        return {sid: line for token, sid, line in rows if token == self.ctx.token}

    def known_users(self, sourced_ids: set[str]) -> dict[str, str]:
        return known_ids("user", self.ctx.token, sourced_ids)

    def finish(self) -> None:
        self.ctx.applies.append((KIND, self.entry))
