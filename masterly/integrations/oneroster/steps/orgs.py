"""orgs.csv and academicSessions.csv: trees whose parent may come later in the same file."""

from __future__ import annotations

from typing import Any, ClassVar

from masterly.integrations.oneroster.context import row_hash
from masterly.integrations.oneroster.rows import AcademicSessionRow, OrgRow, RowT
from masterly.integrations.oneroster.steps.base import Pending, SourcedFileStep, sourced_pks
from masterly.roster.models import AcademicSession, Org
from masterly.roster.services import (
    IncomingRecord,
    UpsertResult,
    sections_ends_on_refresh,
    sourced_records_set_parents,
)


class TreeStep(SourcedFileStep[RowT]):
    """Rows name a parent by sourcedId. A parent already known is set at once; one that comes
    later in the file is set when the file has been read (few rows wait: only forward ones)."""

    model: ClassVar[type[Org] | type[AcademicSession]]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.waiting: list[tuple[int, int, str]] = []  # (line, child pk, parent sourcedId)

    def lookup(self, rows: list[tuple[int, RowT]]) -> dict[str, int]:
        parents = {row.parent_sourced_id for _, row in rows}  # type: ignore[attr-defined]
        parents.discard("")
        return sourced_pks(self.model, parents)

    def parent_id(self, line: int, row: Any, known: dict[str, int]) -> int | bool | None:
        """The parent's pk, None without a parent, False when the row refers to itself."""
        if not row.parent_sourced_id:
            return None
        if row.parent_sourced_id == row.sourced_id:
            self.error(
                f"“{row.sourced_id}” names itself as its parent. Leave parentSourcedId empty or "
                "name the parent's sourcedId.",
                line=line,
                column="parentSourcedId",
            )
            return False
        return known.get(row.parent_sourced_id)

    def after(self, pending: list[Pending], result: UpsertResult, lookups: Any) -> None:
        written = set(result.written_ids)
        for line, row, record in pending:
            pk = result.ids.get(record.sourced_id)
            if (
                record.fields
                and pk in written
                and row.parent_sourced_id
                and row.parent_sourced_id not in lookups
            ):
                self.waiting.append((line, pk, row.parent_sourced_id))

    def finish(self) -> None:
        if self.waiting:
            known = sourced_pks(self.model, {parent for _, _, parent in self.waiting})
            parents = {}
            for line, child, parent in self.waiting:
                found = self.resolve(self.kind, known, parent, line=line, column="parentSourcedId")
                if found is not None:
                    parents[child] = found
            sourced_records_set_parents(model=self.model, parents=parents)
        super().finish()


class OrgStep(TreeStep[OrgRow]):
    filename = "orgs.csv"
    label = "orgs.csv"
    kind = "org"
    model = Org
    row_model = OrgRow

    def record(self, line: int, row: OrgRow, lookups: dict[str, int]) -> IncomingRecord | None:
        parent = self.parent_id(line, row, lookups)
        if parent is False:
            return None
        return IncomingRecord(
            row.sourced_id,
            row_hash(row.name, row.type, row.identifier, row.parent_sourced_id),
            True,
            {"name": row.name, "type": row.type, "identifier": row.identifier, "parent_id": parent},
        )


class AcademicSessionStep(TreeStep[AcademicSessionRow]):
    filename = "academicSessions.csv"
    label = "academicSessions.csv"
    kind = "session"
    model = AcademicSession
    row_model = AcademicSessionRow

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.changed_terms: list[int] = []

    def record(
        self, line: int, row: AcademicSessionRow, lookups: dict[str, int]
    ) -> IncomingRecord | None:
        parent = self.parent_id(line, row, lookups)
        if parent is False:
            return None
        return IncomingRecord(
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
                "parent_id": parent,
            },
        )

    def after(self, pending: list[Pending], result: UpsertResult, lookups: Any) -> None:
        super().after(pending, result, lookups)
        # A term's dates may have moved: the sections in it keep ``ends_on`` right. New terms
        # have no sections yet, so only terms that existed before the import matter.
        top = self.ctx.before[self.kind]
        self.changed_terms.extend(pk for pk in result.written_ids if pk <= top)

    def finish(self) -> None:
        super().finish()
        if not self.ctx.errors:
            sections_ends_on_refresh(term_ids=self.changed_terms)
