"""What a leader's first look at the demo district shows: schools that differ, and three stories.

- **A section that lags on ratios**: Cedar Ridge's Math 6 – Period 3 (``teacher``'s third
  section) scores well below its peers on the ratios standards (6.RP), and only there.
- **A teacher whose students climb**: Cedar Ridge's grade 8 teacher (``teacher-1-4``) starts
  the term below the others and ends it above: the same figures month by month rise.
- **A group that needs support**: English learners score lower on the standards that lean on
  reading and writing mathematics (expressions and equations, statistics), less elsewhere.

The schools differ as real ones do: Cedar Ridge serves more English learners and more
economically disadvantaged students; Lakeview scores a little higher overall. Every demo
student has demographics (in the demo's OneRoster demographics.csv) and program flags (the
demo's program flags file), in believable proportions, drawn from a generator seeded with the
student's sourcedId, so the same district always tells the same story.

Pure functions of sourcedIds and dates, but for :func:`score_shifts`, which reads the roster.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable, Iterable, Mapping, Sequence

from masterly.roster.models import Enrollment, Section, StudentGroupMembership

SALT = "story-2026"

LAGGING_SECTION = ("1", "6", "3")  # (school, grade, period) of the section behind on ratios
LAGGING_DOMAIN = "6.RP"
LAGGING_SHIFT = -0.26
CLIMBING_TEACHER = "teacher-1-4"  # the end of their sourcedId
CLIMB_FROM, CLIMB_BY = -0.24, 0.42  # their students' shift at the term's start, and its rise
EL_DOMAINS = (".EE.", ".SP.")
EL_SHIFT, EL_SHIFT_ELSEWHERE = -0.2, -0.05
SCHOOL_SHIFT = {"1": -0.01, "2": 0.03}


# ------------------------------------------------------------------ who the students are

RACE_COLUMNS = (
    "americanIndianOrAlaskaNative",
    "asian",
    "blackOrAfricanAmerican",
    "nativeHawaiianOrOtherPacificIslander",
    "white",
)
# Weights of each race column (and "two or more", and none reported) per school.
RACE_WEIGHTS = {
    1: (2, 6, 24, 1, 40, 9, 18),
    2: (1, 14, 10, 1, 58, 8, 8),
}
HISPANIC = {1: 0.34, 2: 0.16}
ENGLISH_LEARNER = {1: 0.18, 2: 0.07}  # of all students; most among Hispanic and Asian ones
ECONOMICALLY_DISADVANTAGED = {1: 0.58, 2: 0.28}
IEP, PLAN_504 = 0.13, 0.05


def _rng(*parts: object) -> random.Random:
    return random.Random(":".join(str(part) for part in (SALT, *parts)))  # noqa: S311 - demo data


def demographics_row(sourced_id: str, school_no: int) -> dict[str, str]:
    """The student's row of the demo's demographics.csv (OneRoster 1.2 columns)."""
    rng = _rng("demographics", sourced_id)
    row = {"sourcedId": sourced_id}
    row["sex"] = rng.choices(("female", "male", "unspecified"), weights=(49, 49, 2))[0]
    choices = (*RACE_COLUMNS, "two", "none")
    (race,) = rng.choices(choices, weights=RACE_WEIGHTS[school_no])
    for column in RACE_COLUMNS:
        row[column] = "false"
    row["demographicRaceTwoOrMoreRaces"] = "false"
    if race == "two":
        for column in rng.sample(RACE_COLUMNS, 2):
            row[column] = "true"
        row["demographicRaceTwoOrMoreRaces"] = "true"
    elif race != "none":
        row[race] = "true"
    row["hispanicOrLatinoEthnicity"] = str(rng.random() < HISPANIC[school_no]).lower()
    return row


def program_row(sourced_id: str, school_no: int, demographics: dict[str, str]) -> dict[str, str]:
    """The student's row of the demo's program flags file (every flag yes or no)."""
    rng = _rng("programs", sourced_id)
    likely = demographics["hispanicOrLatinoEthnicity"] == "true" or demographics["asian"] == "true"
    english_learner = ENGLISH_LEARNER[school_no] * (2.2 if likely else 0.45)
    flags = {
        "english_learner": rng.random() < english_learner,
        "iep": rng.random() < IEP,
        "504": rng.random() < PLAN_504,
        "economically_disadvantaged": rng.random() < ECONOMICALLY_DISADVANTAGED[school_no],
    }
    return {
        "student_sourced_id": sourced_id,
        **{column: "yes" if flag else "no" for column, flag in flags.items()},
    }


# ------------------------------------------------------------------ how they score

Shift = Callable[[int, datetime.date], float]  # (standard id, date) → added to the expectation


def section_place(sourced_id: str) -> tuple[str, str, str]:
    """(school, grade, period) of a demo section, from its sourcedId (``…k-S-YEAR-G-P``)."""
    parts = sourced_id.rsplit("-", 4)
    if len(parts) != 5:
        return ("", "", "")
    return (parts[1], parts[3], parts[4])


def shift_for(
    *,
    section: str,
    teacher: str,
    english_learner: bool,
    codes: Mapping[int, str],
    starts: datetime.date,
    until: datetime.date,
) -> Shift:
    """How far one student's scores sit from their profile's expectation, by standard and
    date: the sum of the stories that touch them."""
    place = section_place(section)
    lagging = place == LAGGING_SECTION
    climbing = teacher.endswith(CLIMBING_TEACHER)
    base = SCHOOL_SHIFT.get(place[0], 0.0)
    span = max(1, (until - starts).days)

    def shift(standard_id: int, on: datetime.date) -> float:
        code = codes.get(standard_id, "")
        total = base
        if lagging and code.startswith(LAGGING_DOMAIN):
            total += LAGGING_SHIFT
        if climbing:
            total += CLIMB_FROM + CLIMB_BY * min(1.0, max(0, (on - starts).days) / span)
        if english_learner:
            language = any(domain in code for domain in EL_DOMAINS)
            total += EL_SHIFT if language else EL_SHIFT_ELSEWHERE
        return total

    return shift


def score_shifts(
    *,
    sections: Sequence[Section],
    students: Iterable[int],
    teacher: str,
    codes: Mapping[int, str],
    starts: datetime.date,
    until: datetime.date,
) -> dict[int, Shift]:
    """Student id → their :class:`Shift` in a tracker over ``sections`` (two queries)."""
    ids = list(students)
    section_of = dict(
        Enrollment.objects.filter(
            section__in=list(sections),
            user__in=ids,
            role=Enrollment.Role.STUDENT,
            is_active=True,
        ).values_list("user_id", "section__sourced_id")
    )
    learners = set(
        StudentGroupMembership.objects.filter(
            student__in=ids, group="program:english_learner"
        ).values_list("student_id", flat=True)
    )
    return {
        student: shift_for(
            section=section_of.get(student, ""),
            teacher=teacher,
            english_learner=student in learners,
            codes=codes,
            starts=starts,
            until=until,
        )
        for student in ids
    }
