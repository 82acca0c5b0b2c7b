"""The demo district's trackers, with a term of realistic score histories.

Every demo teacher gets one tracker per course they teach this school year, over their
current sections of that course, on the course's district curriculum map. Quick checks run
from the start of the current term up to ``today``, through the map's units in order (so
earlier units are assessed more, later ones not yet: about half the standards are assessed
by October), with a unit check when a unit is done. Each student follows a profile (strong,
typical, improving, struggling, often absent, joined late) and some retake a quick check
they did poorly on; the demo's story (``story.py``: a section behind on ratios, a teacher
whose students climb, English learners) moves some students' expectations. ``teacher``
also gets last year's tracker, archived.

Deterministic: the same district and the same ``today`` give the same scores (every random
draw comes from a generator seeded with the demo seed and the student's sourcedId, never
from ``random``'s global state). Safe to run again: a teacher's tracker that already exists
is kept as it is.

Fast: each tracker's queued recompute runs at once (it has no scores yet), then its scores
are recorded in batches through the one evidence service's "record many"
(:func:`record_scores`), which writes them set-based and keeps the rollups current.
"""

from __future__ import annotations

import datetime
import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from masterly.accounts.models import User
from masterly.assessments.models import Assessment, Attempt, Source
from masterly.assessments.services import TakenAttempt, attempts_record
from masterly.core import audit
from masterly.demo.rosters import PREFIX, SEED
from masterly.demo.standards import course_grade
from masterly.demo.story import score_shifts
from masterly.roster.models import AcademicSession, Course, Enrollment, Section
from masterly.standards.models import CurriculumMap, Standard
from masterly.trackers.membership import tracker_students
from masterly.trackers.models import RecomputeRun, Tracker
from masterly.trackers.rollups import run_recompute
from masterly.trackers.services import NewEvidence, evidence_record_many, tracker_create
from masterly.trackers.services.evidence import BATCH_ROWS
from masterly.trackers.services.scoring import quick_check_create

DEMO_TEACHER = "teacher"
DEMO_STUDENT = "student"
DEMO_STUDENT_PROFILE = "improving"  # a meaningful mix of levels for the student portal

FIRST_WEEKS = datetime.timedelta(days=14)  # classes start two weeks into the term
SEMESTER_DAYS = 70  # "improving" students reach their level after about ten weeks
CURRENT_COVERAGE = 0.5  # the most of the map assessed in the current term
ARCHIVED_COVERAGE = 0.9  # last year's tracker: nearly the whole year
QUICK_CHECK_POINTS = (4, 4, 4, 10)
UNIT_CHECK_POINTS = 10
RETAKE_BELOW = 0.6  # a quick check scored under 60 % may be retaken…
RETAKE_CHANCE = 0.5  # …by about half of those students,
RETAKE_AFTER = (4, 10)  # 4 to 10 days later


# ------------------------------------------------------------------ the plan (pure)


@dataclass(frozen=True, slots=True)
class MapUnit:
    """A unit of a tracker's map as the plan sees it: (standard id, code) in map order."""

    title: str
    standards: tuple[tuple[int, str], ...]


@dataclass(frozen=True, slots=True)
class PlannedAssessment:
    title: str
    on: datetime.date
    standards: tuple[int, ...]
    difficulty: tuple[float, ...]  # per standard, added to each student's expected score
    points: int  # points possible on each standard
    is_unit_check: bool


@dataclass(frozen=True, slots=True)
class Profile:
    name: str
    start: float  # expected share of the points at the start of the term
    gain: float  # added to it over the first ten weeks
    spread: float  # standard deviation of one score around the expectation
    absent: float  # chance of missing an assessment


PROFILES = {
    profile.name: profile
    for profile in (
        Profile("strong", 0.88, 0.04, 0.08, 0.03),
        Profile("typical", 0.68, 0.08, 0.13, 0.04),
        Profile("improving", 0.40, 0.48, 0.10, 0.04),
        Profile("struggling", 0.28, 0.08, 0.14, 0.08),
        Profile("often_absent", 0.60, 0.05, 0.15, 0.35),
        Profile("joined_late", 0.68, 0.05, 0.12, 0.04),
    )
}
PROFILE_WEIGHTS = {
    "strong": 20,
    "typical": 38,
    "improving": 15,
    "struggling": 14,
    "often_absent": 9,
    "joined_late": 4,
}
JOINED_DAYS_AGO = 18  # a student who joined late has only the last few weeks' scores


@dataclass(frozen=True, slots=True)
class PlannedScore:
    assessment: int  # index in the plan
    standard_id: int
    earned: int
    possible: int
    on: datetime.date
    attempt: int | None  # 2 for a retake; the first score has none (as quick entry saves it)


def _rng(*parts: object) -> random.Random:
    return random.Random(":".join(str(part) for part in (SEED, *parts)))  # noqa: S311 - demo data


def school_day(day: datetime.date, earliest: datetime.date, latest: datetime.date) -> datetime.date:
    """``day`` moved off a weekend (Saturday to Friday, Sunday to Monday), kept within
    ``earliest`` … ``latest``."""
    if day.weekday() == 6 and day + datetime.timedelta(days=1) <= latest:
        day += datetime.timedelta(days=1)
    while day.weekday() >= 5 and day > earliest:
        day -= datetime.timedelta(days=1)
    return min(max(day, earliest), latest)


def covered_count(total: int, weeks: float, cap: float) -> int:
    """How many of a map's ``total`` standards a class has assessed after ``weeks`` weeks."""
    if total == 0:
        return 0
    return max(1, min(total, round(total * min(cap, 0.15 + 0.045 * weeks))))


def assessment_plan(
    units: Sequence[MapUnit],
    *,
    starts: datetime.date,
    until: datetime.date,
    seed: str,
    cap: float = CURRENT_COVERAGE,
) -> list[PlannedAssessment]:
    """The quick checks (and unit checks) of a class from ``starts`` to ``until``, in order.

    The map's standards are taken in order, one to three per quick check; a unit check
    follows each unit the class finished. Dates are school days spread evenly over the
    window, none before ``starts`` nor after ``until``.
    """
    if until < starts:
        return []
    first = starts + FIRST_WEEKS if starts + FIRST_WEEKS <= until else starts
    span = (until - first).days
    rng = _rng("plan", seed)
    total = sum(len(unit.standards) for unit in units)
    left = covered_count(total, span / 7, cap)
    events: list[tuple[str, tuple[tuple[int, str], ...], int, bool]] = []
    quick = 0
    for number, unit in enumerate(units, start=1):
        if left <= 0:
            break
        taken = unit.standards[:left]
        left -= len(taken)
        at = 0
        while at < len(taken):
            group = taken[at : at + rng.choice((1, 2, 2, 3))]
            at += len(group)
            quick += 1
            codes = ", ".join(code for _, code in group)
            events.append(
                (f"Quick check {quick}: {codes}", group, rng.choice(QUICK_CHECK_POINTS), False)
            )
        if len(taken) == len(unit.standards) and len(taken) > 1:
            events.append((f"Unit {number} check: {unit.title}", taken, UNIT_CHECK_POINTS, True))
    plan = []
    for index, (title, group, points, is_unit_check) in enumerate(events):
        day = first + datetime.timedelta(days=round(span * (index + 1) / (len(events) + 1)))
        plan.append(
            PlannedAssessment(
                title=title,
                on=school_day(day, first, until),
                standards=tuple(standard_id for standard_id, _ in group),
                difficulty=tuple(
                    _rng("difficulty", code).uniform(-0.12, 0.05) for _, code in group
                ),
                points=points,
                is_unit_check=is_unit_check,
            )
        )
    return plan


def student_profile(key: str) -> Profile:
    """The profile of the student whose sourcedId (or pk) is ``key``: the same every time."""
    names = list(PROFILE_WEIGHTS)
    (name,) = _rng("profile", key).choices(names, weights=[PROFILE_WEIGHTS[n] for n in names])
    return PROFILES[name]


def _points(rng: random.Random, expected: float, spread: float, points: int) -> int:
    share = expected + rng.gauss(0.0, spread)
    return max(0, min(points, round(share * points)))


def student_scores(
    key: str,
    plan: Sequence[PlannedAssessment],
    *,
    starts: datetime.date,
    until: datetime.date,
    seed: str,
    profile: Profile | None = None,
    shift: Callable[[int, datetime.date], float] | None = None,
) -> list[PlannedScore]:
    """A student's scores on the ``plan``'s assessments (``key``: their sourcedId or pk);
    ``shift`` (standard id, date) moves their expectation as the demo's story has it."""
    profile = profile or student_profile(key)
    moved = shift or (lambda standard_id, on: 0.0)
    rng = _rng("scores", seed, key)
    joined = until - datetime.timedelta(days=JOINED_DAYS_AGO)
    scores: list[PlannedScore] = []
    for index, assessment in enumerate(plan):
        absent = rng.random() < profile.absent
        if absent or (profile.name == "joined_late" and assessment.on < joined):
            continue
        progress = min(1.0, max(0, (assessment.on - starts).days) / SEMESTER_DAYS)
        expected = profile.start + profile.gain * progress
        earned = [
            _points(
                rng,
                expected + difficulty + moved(standard_id, assessment.on),
                profile.spread,
                assessment.points,
            )
            for standard_id, difficulty in zip(
                assessment.standards, assessment.difficulty, strict=True
            )
        ]
        share = sum(earned) / (assessment.points * len(earned))
        retake_on = school_day(
            assessment.on + datetime.timedelta(days=rng.randint(*RETAKE_AFTER)),
            assessment.on,
            until,
        )
        retakes = (
            not assessment.is_unit_check
            and share < RETAKE_BELOW
            and rng.random() < RETAKE_CHANCE
            and assessment.on < retake_on <= until
        )
        for standard_id, points in zip(assessment.standards, earned, strict=True):
            scores.append(
                PlannedScore(
                    index,
                    standard_id,
                    points,
                    assessment.points,
                    assessment.on,
                    None,
                )
            )
        if retakes:
            better = expected + rng.uniform(0.15, 0.35)
            for standard_id, difficulty in zip(
                assessment.standards, assessment.difficulty, strict=True
            ):
                points = _points(
                    rng,
                    better + difficulty + moved(standard_id, retake_on),
                    profile.spread,
                    assessment.points,
                )
                scores.append(
                    PlannedScore(index, standard_id, points, assessment.points, retake_on, 2)
                )
    return scores


# ------------------------------------------------------------------ writing scores in bulk


@dataclass(frozen=True, slots=True)
class Score:
    """One score to record (entered by hand): a quick check's, or its retake's (attempt 2)."""

    student: User
    standard: Standard
    assessment: Assessment
    attempt: int | None
    points_earned: object
    points_possible: object
    assessed_on: datetime.date


def record_scores(*, actor: User, scores: Sequence[Score]) -> int:
    """Scores entered by hand by ``actor``, recorded through
    :func:`~masterly.trackers.services.evidence.evidence_record_many` in batches, as an import
    would (each batch its own transaction with the rollups it changes; the demo calls this
    inside the transaction that builds the whole tracker). A retake is the quick check's
    attempt 2 (an :class:`Attempt` dated when taken, recorded with the batch holding its first
    score); the first score has no attempt, as quick score entry saves it. Returns the scores
    recorded.
    """
    now = timezone.now()
    zone = timezone.get_current_timezone()
    attempts: dict[tuple[int, int, int], Attempt] = {}
    for start in range(0, len(scores), BATCH_ROWS):
        batch = scores[start : start + BATCH_ROWS]
        taken: dict[tuple[int, int, int], TakenAttempt] = {}
        for score in batch:
            key = _attempt_key(score)
            if key is not None and key not in attempts:
                when = datetime.datetime.combine(score.assessed_on, datetime.time(10), tzinfo=zone)
                taken.setdefault(
                    key, TakenAttempt(score.assessment, score.student, key[2], min(now, when))
                )
        with transaction.atomic():
            made = attempts_record(actor=actor, attempts=list(taken.values()))
            attempts.update(zip(taken, made, strict=True))
            evidence_record_many(
                actor=actor,
                rows=[
                    NewEvidence(
                        student=score.student,
                        standard=score.standard,
                        points_earned=score.points_earned,
                        points_possible=score.points_possible,
                        assessed_on=score.assessed_on,
                        source=Source.MANUAL,
                        assessment=score.assessment,
                        attempt=attempts.get(_attempt_key(score) or (0, 0, 0)),
                    )
                    for score in batch
                ],
            )
    return len(scores)


def _attempt_key(score: Score) -> tuple[int, int, int] | None:
    if score.attempt is None:
        return None
    return (score.assessment.pk, score.student.pk, score.attempt)


# ------------------------------------------------------------------ the trackers


@dataclass
class TrackerMade:
    tracker: Tracker
    teacher: User
    sections: int
    students: int
    standards: int
    assessed: int
    scores: int
    assessments: int

    def line(self) -> str:
        archived = ", archived" if self.tracker.is_archived else ""
        percent = round(self.assessed * 100 / self.standards) if self.standards else 0
        return (
            f"Tracker “{self.tracker.name}” for {self.teacher.username}{archived}: "
            f"{_count(self.sections, 'section')}, {_count(self.students, 'student')}, "
            f"{_count(self.assessments, 'assessment')}, {_count(self.scores, 'score')}, "
            f"{percent} % of standards assessed."
        )


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


@dataclass
class TrackersDemo:
    made: list[TrackerMade] = field(default_factory=list)
    kept: int = 0
    seconds: float = 0.0

    @property
    def trackers(self) -> list[Tracker]:
        return [made.tracker for made in self.made]

    @property
    def lines(self) -> list[str]:
        kept = f"; {_count(self.kept, 'tracker')} already there, kept" if self.kept else ""
        if not self.made:
            return [f"Trackers: none created{kept}."]
        scores = sum(made.scores for made in self.made)
        archived = sum(made.tracker.is_archived for made in self.made)
        teachers = len({made.teacher.pk for made in self.made})
        return [
            *(made.line() for made in self.made),
            f"Trackers: {len(self.made)} created for {_count(teachers, 'teacher')} "
            f"({archived} archived) with {_count(scores, 'score')} and their rollups, "
            f"in {self.seconds:.1f} s{kept}.",
        ]


@dataclass(frozen=True)
class _Class:
    """What one tracker covers: a teacher's sections of a course in one school year."""

    teacher: User
    course: Course
    sections: tuple[Section, ...]


def build_trackers_demo(*, today: datetime.date) -> TrackersDemo:
    """Every demo teacher's trackers for this year with their scores (and ``teacher``'s
    archived one for last year). Needs the rosters and the standards demo built first."""
    started = time.monotonic()
    until = min(today, timezone.localdate())  # a score may not be dated in the future
    summary = TrackersDemo()
    current = _classes(Q(section__ends_on__isnull=True) | Q(section__ends_on__gte=today))
    last_year = _classes(Q(section__ends_on__lt=today), username=DEMO_TEACHER)
    maps = _district_maps({c.course.pk for c in [*current, *last_year]})
    for each, archive in [*((c, False) for c in current), *((c, True) for c in last_year)]:
        curriculum_map = maps.get(each.course.pk)
        if curriculum_map is None:
            continue
        made = _build_tracker(each, curriculum_map, today=today, until=until, archive=archive)
        if made is None:
            summary.kept += 1
        else:
            summary.made.append(made)
    summary.seconds = time.monotonic() - started
    return summary


def _classes(when: Q, *, username: str | None = None) -> list[_Class]:
    teaching = (
        Enrollment.objects.filter(
            when,
            role=Enrollment.Role.TEACHER,
            is_active=True,
            user__is_active=True,
            section__is_active=True,
            section__sourced_id__startswith=PREFIX,
        )
        .select_related("user", "section__course")
        .order_by("user__username", "section__course__title", "section__title", "section_id")
    )
    if username is not None:
        teaching = teaching.filter(user__username=username)
    grouped: dict[tuple[int, int], _Class] = {}
    for enrollment in teaching:
        key = (enrollment.user_id, enrollment.section.course_id)
        found = grouped.get(key)
        sections = found.sections if found else ()
        if enrollment.section not in sections:
            sections = (*sections, enrollment.section)
        grouped[key] = _Class(enrollment.user, enrollment.section.course, sections)
    return list(grouped.values())


def _district_maps(course_ids: Iterable[int]) -> dict[int, CurriculumMap]:
    maps: dict[int, CurriculumMap] = {}
    for curriculum_map in CurriculumMap.objects.filter(
        course__in=list(course_ids), scope=CurriculumMap.Scope.DISTRICT
    ).order_by("pk"):
        maps.setdefault(curriculum_map.course_id, curriculum_map)
    return maps


def _term(sections: Sequence[Section], today: datetime.date) -> AcademicSession | None:
    """The sections' term holding ``today`` (else the last one started, else the first)."""
    terms = list(
        AcademicSession.objects.filter(sections__in=list(sections))
        .distinct()
        .order_by("start_date", "pk")
    )
    holding = [term for term in terms if term.start_date <= today <= term.end_date]
    if holding:
        return holding[0]
    started = [term for term in terms if term.start_date <= today]
    if started:
        return started[-1]
    return terms[0] if terms else None


def _year_label(school_year: int) -> str:
    return f"{school_year - 1}–{school_year % 100:02d}"


def _name(course: Course, school_year: int) -> str:
    grade = course_grade(course)
    title = f"Grade {grade} Math" if grade and "math" in course.title.lower() else course.title
    return f"{title} — {_year_label(school_year)}"


def _units(tracker: Tracker) -> list[MapUnit]:
    units: dict[object, tuple[str, list[tuple[int, str]]]] = {}
    for placement in tracker.tracker_standards.select_related("standard").order_by(
        "position", "id"
    ):
        _, standards = units.setdefault(placement.unit_id, (placement.unit_title, []))
        standards.append((placement.standard_id, placement.standard.label))
    return [MapUnit(title, tuple(standards)) for title, standards in units.values()]


def _build_tracker(
    each: _Class,
    curriculum_map: CurriculumMap,
    *,
    today: datetime.date,
    until: datetime.date,
    archive: bool,
) -> TrackerMade | None:
    term = _term(each.sections, today)
    if term is None:
        return None
    name = _name(each.course, term.school_year)
    if Tracker.objects.filter(owner=each.teacher, name=name).exists():
        return None
    if archive:
        # Last year's whole school year, from its first term's start to its last day.
        starts = min(
            t.start_date for t in AcademicSession.objects.filter(sections__in=list(each.sections))
        )
        until = min(until, max(s.ends_on or until for s in each.sections))
    else:
        starts = term.start_date
    seed = f"{each.teacher.username}:{each.course.sourced_id}:{term.school_year}"
    # One transaction for the whole tracker (its quick checks, scores, rollups and archiving):
    # an interrupted demo leaves no half-built tracker, and the next run builds it whole. It
    # runs before anyone signs in, so holding the write lock for a tracker's build is harmless.
    with transaction.atomic():
        tracker = tracker_create(
            actor=None,
            name=name,
            owner=each.teacher,
            sections=list(each.sections),
            curriculum_map=curriculum_map,
        )
        run = RecomputeRun.objects.filter(
            tracker=tracker, status=RecomputeRun.Status.QUEUED
        ).latest("pk")
        units = _units(tracker)
        plan = assessment_plan(
            units,
            starts=starts,
            until=until,
            seed=seed,
            cap=ARCHIVED_COVERAGE if archive else CURRENT_COVERAGE,
        )
        standards = Standard.objects.in_bulk(
            [standard_id for unit in units for standard_id, _ in unit.standards]
        )
        assessments = [
            quick_check_create(
                actor=each.teacher,
                tracker=tracker,
                title=planned.title,
                assessed_on=planned.on,
                standards=[standards[standard_id] for standard_id in planned.standards],
                points_possible=planned.points,
            )
            for planned in plan
        ]
        students = list(User.objects.filter(pk__in=tracker_students(tracker.pk)).order_by("pk"))
        codes = {standard_id: code for unit in units for standard_id, code in unit.standards}
        shifts = score_shifts(
            sections=each.sections,
            students=[student.pk for student in students],
            teacher=each.teacher.sourced_id or "",
            codes=codes,
            starts=starts,
            until=until,
        )
        scores = []
        for student in students:
            key = student.sourced_id or str(student.pk)
            profile = PROFILES[DEMO_STUDENT_PROFILE] if student.username == DEMO_STUDENT else None
            for planned in student_scores(
                key,
                plan,
                starts=starts,
                until=until,
                seed=seed,
                profile=profile,
                shift=shifts[student.pk],
            ):
                scores.append(
                    Score(
                        student=student,
                        standard=standards[planned.standard_id],
                        assessment=assessments[planned.assessment],
                        attempt=planned.attempt,
                        points_earned=planned.earned,
                        points_possible=planned.possible,
                        assessed_on=planned.on,
                    )
                )
        # With no scores yet: run the queued recompute now rather than waiting for the worker
        # (when it runs the task later it finds the run done and leaves it alone); each batch
        # of scores then keeps the rollups current, as a teacher's or an import's would.
        run_recompute(run.pk)
        scores.sort(key=lambda s: (s.assessed_on, s.assessment.pk, s.student.pk, s.attempt or 0))
        record_scores(actor=each.teacher, scores=scores)
        if archive:
            Tracker.objects.filter(pk=tracker.pk).update(is_archived=True)
            tracker.is_archived = True
            audit.record(
                actor=None,
                action="tracker.archived",
                target=tracker,
                summary=f"Tracker {tracker.name!r} archived (last school year)",
            )
    return TrackerMade(
        tracker=tracker,
        teacher=each.teacher,
        sections=len(each.sections),
        students=len(students),
        standards=sum(len(unit.standards) for unit in units),
        assessed=len({score.standard.pk for score in scores}),
        scores=len(scores),
        assessments=len(assessments),
    )
