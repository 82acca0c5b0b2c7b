"""The demo district's rosters, built as OneRoster 1.2 files and loaded by the real import.

Deterministic: the same seed and the same day give the same district. Two middle schools,
math in grades 6–8, five teachers and a leader per school, a district admin, about 600
students each with one or two guardians, this school year (two terms) and last year's
archived sections with last year's students. Every student has demographics (demographics.csv)
and program flags (loaded by the program flags import), as ``story.py`` draws them.
"""

from __future__ import annotations

import datetime
import io
import random
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from masterly.accounts.models import User
from masterly.core import audit
from masterly.core.models import AuditEvent
from masterly.demo.names import FIRST_NAMES, LAST_NAMES
from masterly.demo.story import demographics_row, program_row
from masterly.integrations.oneroster.importer import roster_import
from masterly.integrations.oneroster.programs import COLUMNS as PROGRAM_COLUMNS
from masterly.integrations.oneroster.programs import programs_import
from masterly.integrations.oneroster.services import import_run_record
from masterly.integrations.oneroster.source import FileSource, MemorySource
from masterly.integrations.oneroster.summary import ImportSummary
from masterly.integrations.oneroster.writer import build_set, write_rows
from masterly.roster.models import Org

PREFIX = "demo-"
PASSWORD = "masterly-demo"  # noqa: S105 - the published demo password, printed on purpose
SEED = 2026
GRADES = (6, 7, 8)
PERIODS = (1, 2, 3, 4)
STUDENTS_PER_SECTION = 25
TEACHER_LOADS = (3, 3, 2, 2, 2)  # sections each of a school's five teachers takes, in order
EMAIL_DOMAIN = "maple-valley.example.org"
SCHOOLS = ("Cedar Ridge Middle School", "Lakeview Middle School")
DISTRICT = "Maple Valley School District"
PROGRAMS_FILE = "demo-programs.csv"

Row = dict[str, str]


def school_year_of(today: datetime.date) -> int:
    """The year the school year containing ``today`` ends in (August to June; July already
    belongs to the coming year)."""
    return today.year + 1 if today.month >= 7 else today.year


DEMO_FINISHED = "demo.finished"
"""The audit action written once the whole demo (rosters, standards, trackers) is built."""


def demo_exists() -> bool:
    return Org.objects.filter(sourced_id__startswith=PREFIX).exists()


def demo_unfinished() -> bool:
    """Whether the demo's rosters are here but an earlier run stopped before the end (for
    example Ctrl+C during the first ``make run``): ``masterly start`` then finishes it."""
    return demo_exists() and not AuditEvent.objects.filter(action=DEMO_FINISHED).exists()


def mark_demo_finished() -> None:
    audit.record(actor=None, action=DEMO_FINISHED, summary="Demo district built")


def other_district_exists() -> bool:
    """Whether the database holds orgs that are not the demo's: a real district."""
    return Org.objects.exclude(sourced_id__startswith=PREFIX).exists()


@dataclass
class DemoRoster:
    """The demo district as OneRoster rows, file by file."""

    today: datetime.date
    seed: int = SEED
    files: dict[str, list[Row]] = field(default_factory=dict)
    # The program flags file (not OneRoster): English learner, IEP, 504, economically
    # disadvantaged, a row per student.
    programs: list[Row] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)  # noqa: S311 - demo data, not security
        self.usernames: set[str] = set()
        for name in (
            "orgs.csv",
            "academicSessions.csv",
            "courses.csv",
            "classes.csv",
            "users.csv",
            "roles.csv",
            "enrollments.csv",
            "demographics.csv",
        ):
            self.files[name] = []
        self._build()

    # ---------------------------------------------------------------- pieces

    def add(self, file: str, /, **values: str) -> Row:
        self.files[file].append(values)
        return values

    def username(self, first: str, last: str) -> str:
        base = f"{first}.{last}".lower().replace(" ", "").replace("'", "")
        name, n = base, 1
        while name in self.usernames:
            n += 1
            name = f"{base}{n}"
        self.usernames.add(name)
        return name

    def person(
        self,
        key: str,
        role: str,
        org: str,
        *,
        username: str | None = None,
        last: str | None = None,
        grade: int | None = None,
        agents: str = "",
    ) -> Row:
        first = self.rng.choice(FIRST_NAMES)
        last = last or self.rng.choice(LAST_NAMES)
        if username is None:
            username = self.username(first, last)
        else:
            self.usernames.add(username)
        sid = f"{PREFIX}u-{key}"
        user = self.add(
            "users.csv",
            sourcedId=sid,
            enabledUser="true",
            username=username,
            givenName=first,
            familyName=last,
            identifier=key.upper(),
            email=f"{username}@{EMAIL_DOMAIN}",
            grades=f"{grade:02d}" if grade else "",
            agentSourcedIds=agents,
        )
        self.add(
            "roles.csv",
            sourcedId=f"{PREFIX}r-{key}",
            userSourcedId=sid,
            roleType="primary",
            role=role,
            orgSourcedId=org,
        )
        return user

    def enroll(self, key: str, section: str, school: str, user: Row, role: str) -> None:
        self.add(
            "enrollments.csv",
            sourcedId=f"{PREFIX}e-{key}",
            classSourcedId=section,
            schoolSourcedId=school,
            userSourcedId=user["sourcedId"],
            role=role,
            primary="true" if role == "teacher" else "false",
        )

    # ---------------------------------------------------------------- the district

    def _build(self) -> None:
        year = school_year_of(self.today)
        district = f"{PREFIX}district"
        self.add("orgs.csv", sourcedId=district, name=DISTRICT, type="district", identifier="MVSD")
        schools = []
        for n, name in enumerate(SCHOOLS, start=1):
            sid = f"{PREFIX}school-{n}"
            schools.append(sid)
            self.add(
                "orgs.csv",
                sourcedId=sid,
                name=name,
                type="school",
                identifier=f"MV{n:02d}",
                parentSourcedId=district,
            )
        terms = {y: self._school_year(y) for y in (year - 1, year)}
        for school_no, school in enumerate(schools, start=1):
            for grade in GRADES:
                self.add(
                    "courses.csv",
                    sourcedId=f"{PREFIX}c-{school_no}-{grade}",
                    title=f"Math {grade}",
                    courseCode=f"MATH{grade}",
                    grades=f"{grade:02d}",
                    orgSourcedId=school,
                    subjects="Mathematics",
                )
        self.add_people(schools, terms, year)

    def _school_year(self, year: int) -> str:
        """A school year ending in ``year`` with its two terms; the terms' sourcedIds."""
        sy = f"{PREFIX}sy-{year}"
        self.add(
            "academicSessions.csv",
            sourcedId=sy,
            title=f"{year - 1}–{year}",
            type="schoolYear",
            startDate=f"{year - 1}-08-01",
            endDate=f"{year}-06-30",
            schoolYear=str(year),
        )
        fall, spring = f"{PREFIX}fall-{year - 1}", f"{PREFIX}spring-{year}"
        self.add(
            "academicSessions.csv",
            sourcedId=fall,
            title=f"Fall {year - 1}",
            type="term",
            startDate=f"{year - 1}-08-01",
            endDate=f"{year}-01-15",
            parentSourcedId=sy,
            schoolYear=str(year),
        )
        self.add(
            "academicSessions.csv",
            sourcedId=spring,
            title=f"Spring {year}",
            type="term",
            startDate=f"{year}-01-16",
            endDate=f"{year}-06-30",
            parentSourcedId=sy,
            schoolYear=str(year),
        )
        return f"{fall},{spring}"

    def section(
        self, school_no: int, school: str, year: int, grade: int, period: int, terms: str
    ) -> str:
        sid = f"{PREFIX}k-{school_no}-{year}-{grade}-{period}"
        self.add(
            "classes.csv",
            sourcedId=sid,
            title=f"Math {grade} – Period {period}",
            grades=f"{grade:02d}",
            courseSourcedId=f"{PREFIX}c-{school_no}-{grade}",
            classCode=f"M{grade}-{period}",
            classType="scheduled",
            location=f"Room {100 * grade + period}",
            schoolSourcedId=school,
            termSourcedIds=terms,
            periods=str(period),
            subjects="Mathematics",
        )
        return sid

    def add_people(self, schools: list[str], terms: dict[int, str], year: int) -> None:
        district = f"{PREFIX}district"
        self.person("admin", "districtAdministrator", district, username="admin")
        for school_no, school in enumerate(schools, start=1):
            first_school = school_no == 1
            self.person(
                f"leader-{school_no}",
                "principal",
                school,
                username="leader" if first_school else None,
            )
            slots = [(grade, period) for grade in GRADES for period in PERIODS]
            teachers = []
            for t, load in enumerate(TEACHER_LOADS, start=1):
                named = first_school and t == 1  # grade 6, periods 1–3: the demo teacher
                user = self.person(
                    f"teacher-{school_no}-{t}",
                    "teacher",
                    school,
                    username="teacher" if named else None,
                )
                teachers += [user] * load
            teacher_of = dict(zip(slots, teachers, strict=True))
            current = {
                slot: self.section(school_no, school, year, *slot, terms[year]) for slot in slots
            }
            # Last year's grade 6 and 7 sections, taught by the same teachers: this year's
            # grade 7 and 8 students were in them.
            last = {
                (grade, period): self.section(
                    school_no, school, year - 1, grade, period, terms[year - 1]
                )
                for grade, period in slots
                if grade < 8
            }
            for slot, sid in current.items():
                self.enroll(f"{sid}-t", sid, school, teacher_of[slot], "teacher")
            for slot, sid in last.items():
                self.enroll(f"{sid}-t", sid, school, teacher_of[slot], "teacher")
            self.add_students(school_no, school, current, last)

    def add_students(
        self,
        school_no: int,
        school: str,
        current: dict[tuple[int, int], str],
        last: dict[tuple[int, int], str],
    ) -> None:
        for grade in GRADES:
            for period in PERIODS:
                for seat in range(STUDENTS_PER_SECTION):
                    key = f"student-{school_no}-{grade}-{period}-{seat}"
                    special = school_no == 1 and period == 1 and seat == 0 and grade in (6, 8)
                    if special:
                        student = self.demo_family_child(key, school, grade)
                    else:
                        student = self.student_with_guardians(key, school, grade)
                    self.groups(student["sourcedId"], school_no)
                    section = current[(grade, period)]
                    self.enroll(f"{key}-now", section, school, student, "student")
                    if grade > 6:
                        before = last[(grade - 1, period)]
                        self.enroll(f"{key}-last", before, school, student, "student")

    def groups(self, sourced_id: str, school_no: int) -> None:
        """The student's demographics and program flags (see ``story.py``)."""
        demographics = self.add("demographics.csv", **demographics_row(sourced_id, school_no))
        self.programs.append(program_row(sourced_id, school_no, demographics))

    def programs_csv(self) -> bytes:
        out = io.StringIO()
        write_rows(out, list(PROGRAM_COLUMNS), self.programs)
        return out.getvalue().encode()

    def student_with_guardians(self, key: str, school: str, grade: int) -> Row:
        family = self.rng.choice(LAST_NAMES)
        guardians = [
            self.person(f"{key}-g{n}", self.rng.choice(("parent", "guardian")), school, last=family)
            for n in range(1, 3 if self.rng.random() < 0.5 else 2)
        ]
        agents = ",".join(g["sourcedId"] for g in guardians)
        return self.person(key, "student", school, last=family, grade=grade, agents=agents)

    def demo_family_child(self, key: str, school: str, grade: int) -> Row:
        """``student`` (grade 6, in ``teacher``'s first section) and a grade 8 sibling; their
        parent ``parent`` lists both children (the other direction of agentSourcedIds)."""
        family = "Rivera"
        if grade == 6:
            return self.person(key, "student", school, username="student", last=family, grade=6)
        child = self.person(key, "student", school, last=family, grade=8)
        first = next(u for u in self.files["users.csv"] if u["username"] == "student")
        self.person(
            "parent",
            "parent",
            school,
            username="parent",
            last=family,
            agents=f"{first['sourcedId']},{child['sourcedId']}",
        )
        return child

    def contents(self) -> dict[str, bytes]:
        return build_set(self.files)

    def rows(self, name: str) -> Iterator[Row]:
        yield from self.files[name]


@transaction.atomic
def build_demo(*, today: datetime.date, seed: int = SEED) -> ImportSummary:
    """Load (or re-load) the demo district through the OneRoster import, then give every demo
    person the published password; district admins may use Django admin."""
    roster = DemoRoster(today=today, seed=seed)
    source = MemorySource(roster.contents(), name="the demo district")
    started_at = timezone.now()
    summary = roster_import(source=source, actor=None)
    import_run_record(filename="the demo district", summary=summary, started_at=started_at)
    flags = roster.programs_csv()
    programs_import(
        source=FileSource(io.BytesIO(flags), name=PROGRAMS_FILE, size=len(flags)), actor=None
    )
    demo_people = User.objects.filter(sourced_id__startswith=PREFIX)
    # Hashing is deliberately slow; one hash shared by every demo account keeps the demo
    # quick. Fine for published demo sign-ins, never for real accounts.
    demo_people.update(password=make_password(PASSWORD))
    admins = [
        row["userSourcedId"]
        for row in roster.rows("roles.csv")
        if row["role"] == "districtAdministrator"
    ]
    User.objects.filter(sourced_id__in=admins).update(is_staff=True)
    return summary


def write_demo_programs(path: Path, *, today: datetime.date, seed: int = SEED) -> Path:
    """The demo district's program flags file: a sample for ``masterly import-programs``."""
    path.write_bytes(DemoRoster(today=today, seed=seed).programs_csv())
    return path


def write_demo_rosters(path: Path, *, today: datetime.date, seed: int = SEED) -> Path:
    """The demo district's OneRoster 1.2 bulk set as a .zip: a sample of what a district sends."""
    roster = DemoRoster(today=today, seed=seed)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in roster.contents().items():
            archive.writestr(name, data)
    return path
