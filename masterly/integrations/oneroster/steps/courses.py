"""courses.csv and classes.csv (Masterly's sections, with their terms)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from masterly.integrations.oneroster.context import row_hash
from masterly.integrations.oneroster.rows import ClassRow, CourseRow
from masterly.integrations.oneroster.steps.base import Pending, SourcedFileStep, sourced_pks
from masterly.roster.models import AcademicSession, Course, Org, Section
from masterly.roster.services import IncomingRecord, UpsertResult, section_terms_set


@dataclass
class CourseRefs:
    orgs: dict[str, int]
    years: dict[str, int]


class CourseStep(SourcedFileStep[CourseRow]):
    filename = "courses.csv"
    label = "courses.csv"
    kind = "course"
    model = Course
    row_model = CourseRow

    def lookup(self, rows: list[tuple[int, CourseRow]]) -> CourseRefs:
        years = {row.school_year_sourced_id for _, row in rows} - {""}
        return CourseRefs(
            orgs=sourced_pks(Org, {row.org_sourced_id for _, row in rows}),
            years=sourced_pks(AcademicSession, years),
        )

    def record(self, line: int, row: CourseRow, refs: CourseRefs) -> IncomingRecord | None:
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
        return IncomingRecord(
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
                "org_id": org,
                "school_year_id": year,
            },
        )


@dataclass
class ClassRefs:
    courses: dict[str, int]
    schools: dict[str, int]
    terms: dict[str, tuple[int, Any]]  # sourcedId → (pk, end date)


class ClassStep(SourcedFileStep[ClassRow]):
    filename = "classes.csv"
    label = "classes.csv"
    kind = "section"
    model = Section
    row_model = ClassRow

    def lookup(self, rows: list[tuple[int, ClassRow]]) -> ClassRefs:
        terms = {term for _, row in rows for term in row.term_sourced_ids}
        return ClassRefs(
            courses=sourced_pks(Course, {row.course_sourced_id for _, row in rows}),
            schools=sourced_pks(Org, {row.school_sourced_id for _, row in rows}),
            terms=sourced_pks(AcademicSession, terms, "end_date"),
        )

    def record(self, line: int, row: ClassRow, refs: ClassRefs) -> IncomingRecord | None:
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
        return IncomingRecord(
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
                "course_id": course,
                "school_id": school,
                # The last day of its last term: "current or archived" is one comparison.
                "ends_on": max((end for _, end in found), default=None),
            },
        )

    def after(self, pending: list[Pending], result: UpsertResult, refs: ClassRefs) -> None:
        written = set(result.written_ids)
        terms_by_section = {}
        for _, row, record in pending:
            pk = result.ids.get(record.sourced_id)
            if record.fields and pk in written:
                terms_by_section[pk] = {refs.terms[term][0] for term in row.term_sourced_ids}
        section_terms_set(terms_by_section=terms_by_section)
