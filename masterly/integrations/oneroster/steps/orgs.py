"""orgs.csv and academicSessions.csv: trees whose parent may come later in the same file."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef

from masterly.integrations.oneroster.context import row_hash
from masterly.integrations.oneroster.errors import MAX_ERRORS
from masterly.integrations.oneroster.rows import AcademicSessionRow, OrgRow, RowT
from masterly.integrations.oneroster.staging import KINDS
from masterly.integrations.oneroster.steps.base import SourcedFileStep, StagedRow


class TreeStep(SourcedFileStep[RowT]):
    """Rows name a parent by sourcedId, which may come later in the same file: the parents are
    checked once the whole file is staged (one query)."""

    def parent_sid(self, line: int, row: Any) -> str | None:
        """The parent's sourcedId ("" without one), None when the row names itself."""
        if row.parent_sourced_id == row.sourced_id:
            self.error(
                f"“{row.sourced_id}” names itself as its parent. Leave parentSourcedId empty or "
                "name the parent's sourcedId.",
                line=line,
                column="parentSourcedId",
            )
            return None
        return str(row.parent_sourced_id)

    def finish(self) -> None:
        spec = KINDS[self.kind]
        token = self.ctx.token
        staged = spec.staged._default_manager.filter(token=token, deleted=False)
        orphans = (
            staged.exclude(parent_sid="")
            .filter(
                ~Exists(staged.filter(sourced_id=OuterRef("parent_sid"))),
                ~Exists(spec.live._default_manager.filter(sourced_id=OuterRef("parent_sid"))),
            )
            .order_by("line")
            .values_list("line", "parent_sid")[:MAX_ERRORS]
        )
        for line, parent in orphans:
            self.resolve(self.kind, {}, parent, line=line, column="parentSourcedId")
        super().finish()


class OrgStep(TreeStep[OrgRow]):
    filename = "orgs.csv"
    label = "orgs.csv"
    kind = "org"
    row_model = OrgRow

    def record(self, line: int, row: OrgRow, lookups: Any) -> StagedRow | None:
        parent = self.parent_sid(line, row)
        if parent is None:
            return None
        return StagedRow(
            row.sourced_id,
            row_hash(row.name, row.type, row.identifier, row.parent_sourced_id),
            True,
            {
                "name": row.name,
                "type": row.type,
                "identifier": row.identifier,
                "parent_sid": parent,
            },
        )


class AcademicSessionStep(TreeStep[AcademicSessionRow]):
    filename = "academicSessions.csv"
    label = "academicSessions.csv"
    kind = "session"
    row_model = AcademicSessionRow

    def record(self, line: int, row: AcademicSessionRow, lookups: Any) -> StagedRow | None:
        parent = self.parent_sid(line, row)
        if parent is None:
            return None
        return StagedRow(
            row.sourced_id,
            row_hash(
                row.title,
                row.type,
                row.start_date,
                row.end_date,
                row.school_year,
                row.parent_sourced_id,
            ),
            True,
            {
                "title": row.title,
                "type": row.type,
                "start_date": row.start_date,
                "end_date": row.end_date,
                "school_year": row.school_year,
                "parent_sid": parent,
            },
        )
