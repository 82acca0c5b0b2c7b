"""The program flags file: which students are English learners, have an IEP or a 504 plan, or
are economically disadvantaged (OneRoster carries none of these).

One CSV file, a row per student::

    student_sourced_id,english_learner,iep,504,economically_disadvantaged
    st-1042,yes,no,,yes

A student is named by their OneRoster sourcedId; each flag is ``yes`` (put the student in the
group), ``no`` (take them out) or empty (leave it as it is), so a file may carry only the
students or the flags that changed. It is read with the OneRoster files' reader, caps and
messages (hence it lives here), and all or nothing: any problem (a missing column, an unknown
student, a value that is not yes or no, a student on two rows) is named by line and column
and nothing changes. The file is small (a line per student, under the upload limit), so it is
checked and applied in the request or the command, not queued.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Annotated, Any

from django.db import transaction
from django.db.models import Count
from django.utils import translation
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from masterly.accounts.models import User
from masterly.core.audit import record
from masterly.integrations.oneroster.context import CHUNK_SIZE
from masterly.integrations.oneroster.csvreader import CsvFile
from masterly.integrations.oneroster.errors import (
    ErrorList,
    RosterImportRejected,
    TooManyErrors,
)
from masterly.integrations.oneroster.rows import SourcedId, parse_rows
from masterly.integrations.oneroster.source import RosterSource
from masterly.roster.groups import group_label
from masterly.roster.models import Role, StudentGroupMembership, visible_q
from masterly.roster.services import WriteCounts, student_group_set
from masterly.trackers.dashboard_counts import mark_all_stale

AUDIT_ACTION = "roster.programs_import"
# Column → group, in the file's column order.
PROGRAM_COLUMNS = {
    "english_learner": "program:english_learner",
    "iep": "program:iep",
    "504": "program:504",
    "economically_disadvantaged": "program:economically_disadvantaged",
}
COLUMNS = ("student_sourced_id", *PROGRAM_COLUMNS)


def _yes_no(value: Any) -> bool | None:
    text = "" if value is None else str(value).strip().lower()
    if not text:
        return None
    if text in {"yes", "no"}:
        return text == "yes"
    raise ValueError(f"“{value}” is not yes or no. Write yes, no, or leave it empty.")


YesNo = Annotated[bool | None, BeforeValidator(_yes_no)]


class ProgramRow(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    student: SourcedId = Field(alias="student_sourced_id")
    english_learner: YesNo = None
    iep: YesNo = None
    section_504: YesNo = Field(default=None, alias="504")
    economically_disadvantaged: YesNo = None

    def flags(self) -> dict[str, bool | None]:
        """Group key → yes, no or None (left as it is)."""
        values = (
            self.english_learner,
            self.iep,
            self.section_504,
            self.economically_disadvantaged,
        )
        return dict(zip(PROGRAM_COLUMNS.values(), values, strict=True))


@dataclass
class ProgramsSummary:
    file: str
    students: int = 0
    dry_run: bool = False
    groups: dict[str, WriteCounts] = field(default_factory=dict)

    def headline(self) -> str:
        added = sum(c.created for c in self.groups.values())
        removed = sum(c.deactivated for c in self.groups.values())
        return (
            f"Program flags from {self.file}: {self.students:,} student(s) read, "
            f"{added:,} flag(s) added, {removed:,} removed"
        )

    def lines(self) -> list[str]:
        return [
            f"{_english_label(group)}: {c.created:,} added, {c.deactivated:,} removed, "
            f"{c.unchanged:,} unchanged"
            for group, c in self.groups.items()
        ]


@dataclass
class _Decisions:
    """What the file says, per group: the students to add and to remove (ids)."""

    add: dict[str, set[int]] = field(
        default_factory=lambda: {g: set() for g in PROGRAM_COLUMNS.values()}
    )
    remove: dict[str, set[int]] = field(
        default_factory=lambda: {g: set() for g in PROGRAM_COLUMNS.values()}
    )
    first_line: dict[str, int] = field(default_factory=dict)


def programs_import(
    *, source: RosterSource, actor: Any | None, dry_run: bool = False
) -> ProgramsSummary:
    """Apply a program flags file (see the module's docstring); return what changed.

    Raises ``RosterImportRejected`` with every problem found (up to ``MAX_ERRORS``), each
    naming the file, line and column, and changes nothing when the file has one.
    """
    errors = ErrorList()
    decisions = _Decisions()
    try:
        csv_file = CsvFile(source, source.name, errors, required=COLUMNS)
        for chunk in csv_file.chunks(CHUNK_SIZE):
            _check(source.name, chunk, errors, decisions)
    except TooManyErrors:
        pass
    if errors:
        raise RosterImportRejected(errors.items)
    summary = ProgramsSummary(file=source.name, students=len(decisions.first_line), dry_run=dry_run)
    with transaction.atomic():
        for group in PROGRAM_COLUMNS.values():
            summary.groups[group] = student_group_set(
                group=group,
                source=StudentGroupMembership.Source.PROGRAMS,
                add=decisions.add[group],
                remove=decisions.remove[group],
            )
        if any(c.created + c.updated + c.deactivated for c in summary.groups.values()):
            mark_all_stale()  # the dashboards' counts by group follow on their next rebuild
        record(
            actor=actor,
            action=AUDIT_ACTION,
            summary=summary.headline(),
            details={"file": source.name, "students": summary.students, "groups": summary.lines()},
        )
        if dry_run:
            transaction.set_rollback(True)
    return summary


def _check(
    name: str, chunk: list[tuple[int, dict[str, str]]], errors: ErrorList, decisions: _Decisions
) -> None:
    rows = parse_rows(ProgramRow, name, chunk, errors)
    students = _students({row.student for _, row in rows})
    for line, row in rows:
        earlier = decisions.first_line.setdefault(row.student, line)
        if earlier != line:
            errors.add(
                name,
                f"student “{row.student}” is also on line {earlier}. Each student's flags go "
                "on one row: remove the repeated row.",
                line=line,
                column="student_sourced_id",
            )
            continue
        student = students.get(row.student)
        if student is None:
            errors.add(
                name,
                f"“{row.student}” is not a student in Masterly. Write the student's sourcedId "
                "as in your OneRoster files (import the roster first for a new student).",
                line=line,
                column="student_sourced_id",
            )
            continue
        for group, flag in row.flags().items():
            if flag is not None:
                (decisions.add if flag else decisions.remove)[group].add(student)


def _students(sourced_ids: Iterable[str]) -> dict[str, int]:
    """sourcedId → id of those that name a user with an active student role (one query)."""
    found = (
        User.objects.filter(
            visible_q("role_assignments__"),
            sourced_id__in=list(sourced_ids),
            role_assignments__role=Role.STUDENT,
            role_assignments__is_active=True,
        )
        .values_list("sourced_id", "id")
        .distinct()
    )
    return {sid: pk for sid, pk in found if sid is not None}


def _english_label(group: str) -> str:
    """The admin's import pages are in English (only family and student pages, and
    dashboards, are translated), whatever language the admin's browser asks for."""
    with translation.override(None):
        return group_label(group)


def program_counts() -> list[tuple[str, str, int]]:
    """(column, label, students) for each program group now: one query."""
    counts = dict(
        StudentGroupMembership.objects.filter(group__in=PROGRAM_COLUMNS.values())
        .values_list("group")
        .annotate(students=Count("id"))
        .values_list("group", "students")
    )
    return [
        (column, _english_label(group), counts.get(group, 0))
        for column, group in PROGRAM_COLUMNS.items()
    ]
