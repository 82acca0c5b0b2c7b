"""enrollments.csv: who is in which class, in what role."""

from __future__ import annotations

from dataclasses import dataclass

from masterly.integrations.oneroster.context import row_hash
from masterly.integrations.oneroster.rows import EnrollmentRow
from masterly.integrations.oneroster.steps.base import SourcedFileStep, StagedRow


@dataclass
class EnrollmentRefs:
    users: dict[str, str]
    sections: dict[str, str]
    schools: dict[str, str]


class EnrollmentStep(SourcedFileStep[EnrollmentRow]):
    filename = "enrollments.csv"
    label = "enrollments.csv"
    kind = "enrollment"
    row_model = EnrollmentRow

    def lookup(self, rows: list[tuple[int, EnrollmentRow]]) -> EnrollmentRefs:
        return EnrollmentRefs(
            users=self.known("user", {row.user_sourced_id for _, row in rows}),
            sections=self.known("section", {row.class_sourced_id for _, row in rows}),
            schools=self.known("org", {row.school_sourced_id for _, row in rows}),
        )

    def record(self, line: int, row: EnrollmentRow, refs: EnrollmentRefs) -> StagedRow | None:
        section = self.resolve(
            "section", refs.sections, row.class_sourced_id, line=line, column="classSourcedId"
        )
        school = self.resolve(
            "org", refs.schools, row.school_sourced_id, line=line, column="schoolSourcedId"
        )
        user = self.resolve(
            "user", refs.users, row.user_sourced_id, line=line, column="userSourcedId"
        )
        if section is None or school is None or user is None:
            return None
        return StagedRow(
            row.sourced_id,
            row_hash(
                row.user_sourced_id,
                row.class_sourced_id,
                row.role,
                row.primary,
                row.begin_date,
                row.end_date,
            ),
            True,
            {
                "user_sid": user,
                "section_sid": section,
                "role": row.role,
                "is_primary": row.primary,
                "begin_date": row.begin_date,
                "end_date": row.end_date,
            },
        )
