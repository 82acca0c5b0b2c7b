"""courses.csv and classes.csv (Masterly's sections, with their terms)."""

from __future__ import annotations

from dataclasses import dataclass

from masterly.core.bulk import insert_rows
from masterly.integrations.oneroster.context import row_hash
from masterly.integrations.oneroster.models import StagedSectionTerm
from masterly.integrations.oneroster.rows import ClassRow, CourseRow
from masterly.integrations.oneroster.steps.base import Pending, SourcedFileStep, StagedRow


@dataclass
class CourseRefs:
    orgs: dict[str, str]
    years: dict[str, str]


class CourseStep(SourcedFileStep[CourseRow]):
    filename = "courses.csv"
    label = "courses.csv"
    kind = "course"
    row_model = CourseRow

    def lookup(self, rows: list[tuple[int, CourseRow]]) -> CourseRefs:
        years = {row.school_year_sourced_id for _, row in rows} - {""}
        return CourseRefs(
            orgs=self.known("org", {row.org_sourced_id for _, row in rows}),
            years=self.known("session", years),
        )

    def record(self, line: int, row: CourseRow, refs: CourseRefs) -> StagedRow | None:
        org = self.resolve("org", refs.orgs, row.org_sourced_id, line=line, column="orgSourcedId")
        year = None
        if row.school_year_sourced_id:
            year = self.resolve(
                "session",
                refs.years,
                row.school_year_sourced_id,
                line=line,
                column="schoolYearSourcedId",
            )
            if year is None:
                return None
        if org is None:
            return None
        return StagedRow(
            row.sourced_id,
            row_hash(
                row.title,
                row.course_code,
                row.grades,
                row.subjects,
                row.org_sourced_id,
                row.school_year_sourced_id,
            ),
            True,
            {
                "title": row.title,
                "course_code": row.course_code,
                "grades": row.grades,
                "subjects": row.subjects,
                "org_sid": org,
                "school_year_sid": year or "",
            },
        )


@dataclass
class ClassRefs:
    courses: dict[str, str]
    schools: dict[str, str]
    terms: dict[str, str]


class ClassStep(SourcedFileStep[ClassRow]):
    filename = "classes.csv"
    label = "classes.csv"
    kind = "section"
    row_model = ClassRow

    def lookup(self, rows: list[tuple[int, ClassRow]]) -> ClassRefs:
        terms = {term for _, row in rows for term in row.term_sourced_ids}
        return ClassRefs(
            courses=self.known("course", {row.course_sourced_id for _, row in rows}),
            schools=self.known("org", {row.school_sourced_id for _, row in rows}),
            terms=self.known("session", terms),
        )

    def record(self, line: int, row: ClassRow, refs: ClassRefs) -> StagedRow | None:
        course = self.resolve(
            "course", refs.courses, row.course_sourced_id, line=line, column="courseSourcedId"
        )
        school = self.resolve(
            "org", refs.schools, row.school_sourced_id, line=line, column="schoolSourcedId"
        )
        terms = [
            self.resolve("session", refs.terms, term, line=line, column="termSourcedIds")
            for term in row.term_sourced_ids
        ]
        found = [term for term in terms if term is not None]
        if course is None or school is None or len(found) < len(terms):
            return None
        return StagedRow(
            row.sourced_id,
            row_hash(
                row.title,
                row.class_code,
                row.class_type,
                row.location,
                row.grades,
                row.subjects,
                row.periods,
                row.course_sourced_id,
                row.school_sourced_id,
                ",".join(sorted(row.term_sourced_ids)),
            ),
            True,
            {
                "title": row.title,
                "class_code": row.class_code,
                "class_type": row.class_type,
                "location": row.location,
                "grades": row.grades,
                "subjects": row.subjects,
                "periods": row.periods,
                "course_sid": course,
                "school_sid": school,
            },
        )

    def after(self, pending: list[Pending], refs: ClassRefs) -> None:
        insert_rows(
            StagedSectionTerm,
            (
                {"token": self.ctx.token, "section_sid": record.sourced_id, "term_sid": term}
                for _, row, record in pending
                if record.fields
                for term in set(row.term_sourced_ids)
            ),
        )
