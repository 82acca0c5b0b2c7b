"""One student's mastery as the student and their family see it: the shared reads of the
student and family portals (``student_trackers`` for the home pages, ``student_mastery``
for the Mastery View).

Both take the acting user and reach the student only through ``roster.access`` (a student:
themself; a guardian: a linked child), and run a fixed number of queries whatever the
number of classes, standards and scores. What the tracker's portal settings hide (scores) is
left out here, so no template can show it by mistake.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from masterly.accounts.models import User
from masterly.assessments.models import Evidence
from masterly.mastery import Level, MasteryResult, Scale, calculate
from masterly.roster import access
from masterly.roster.models import Enrollment, Role
from masterly.trackers.models import PortalShow, Rollup, Tracker, TrackerSection, TrackerStandard
from masterly.trackers.selectors.cells import engine_evidence
from masterly.trackers.selectors.grid import DEFAULT_COLOUR_MODE, Swatch, swatches
from masterly.trackers.selectors.next_steps import NextSteps, next_steps
from masterly.trackers.selectors.student_assignments import (
    AssignmentView,
    student_assignments_in,
)
from masterly.trackers.selectors.trackers import AnyUser

# The order of the Mastery View's tabs is the scale's, top down, then "not assessed".


@dataclass
class LevelCount:
    swatch: Swatch
    count: int


@dataclass
class TrackerSummary:
    """A class (tracker) on a home page: how much is assessed and the level counts."""

    tracker: Tracker
    standard_count: int
    assessed_count: int
    counts: list[LevelCount]

    @property
    def percent_assessed(self) -> int:
        if not self.standard_count:
            return 0
        return round(100 * self.assessed_count / self.standard_count)


def _student_trackers(student_ids: list[int]) -> QuerySet[TrackerSection]:
    """(student, tracker) pairs: the trackers of the active sections the students are in."""
    return TrackerSection.objects.filter(
        section__is_active=True,
        section__enrollments__user__in=student_ids,
        section__enrollments__role=Enrollment.Role.STUDENT,
        section__enrollments__is_active=True,
    )


def _summary(
    tracker: Tracker, standard_ids: list[int], levels: dict[int, tuple[str, bool]]
) -> TrackerSummary:
    scale = tracker.mastery_scale()
    colours = swatches(scale, DEFAULT_COLOUR_MODE)
    by_level: dict[str, int] = defaultdict(int)
    assessed = 0
    for standard_id in standard_ids:
        level, was_assessed = levels.get(standard_id, (scale.not_assessed.abbreviation, False))
        by_level[level] += 1
        assessed += was_assessed
    counts = [LevelCount(colours[abbr], by_level[abbr]) for abbr in colours]
    return TrackerSummary(tracker, len(standard_ids), assessed, counts)


def _pairs(ids: list[int], *, current: bool) -> set[tuple[int, int]]:
    rows = _student_trackers(ids)
    if current:
        on = timezone.localdate()
        rows = rows.filter(Q(section__ends_on__isnull=True) | Q(section__ends_on__gte=on)).filter(
            tracker__is_archived=False
        )
    return set(rows.values_list("section__enrollments__user_id", "tracker_id").distinct())


def student_trackers(
    students: list[User], *, archived: bool = False
) -> dict[int, list[TrackerSummary]]:
    """Each student's current trackers (not archived, with a class that has not ended), or
    with ``archived`` the others, with their percent of standards assessed and level counts:
    three queries (four for the archived) for any number of students and trackers.

    The caller has the students from ``roster.access`` (the home pages' selectors).
    """
    ids = [student.pk for student in students]
    if not ids:
        return {}
    pairs = _pairs(ids, current=True)
    if archived:
        pairs = _pairs(ids, current=False) - pairs
    tracker_ids = {tracker_id for _, tracker_id in pairs}
    trackers = {t.pk: t for t in Tracker.objects.filter(pk__in=tracker_ids).select_related("owner")}
    standards: dict[int, list[int]] = defaultdict(list)
    for tracker_id, standard_id in (
        TrackerStandard.objects.filter(tracker__in=tracker_ids, is_hidden=False)
        .order_by("position", "id")
        .values_list("tracker_id", "standard_id")
    ):
        standards[tracker_id].append(standard_id)
    levels: dict[tuple[int, int], dict[int, tuple[str, bool]]] = defaultdict(dict)
    for tracker_id, student_id, standard_id, level, count, overridden in Rollup.objects.filter(
        tracker__in=tracker_ids, student__in=ids
    ).values_list(
        "tracker_id", "student_id", "standard_id", "level", "evidence_count", "is_overridden"
    ):
        levels[(tracker_id, student_id)][standard_id] = (level, bool(count or overridden))
    out: dict[int, list[TrackerSummary]] = {student_id: [] for student_id in ids}
    for student_id, tracker_id in pairs:
        tracker = trackers[tracker_id]
        out[student_id].append(
            _summary(tracker, standards[tracker_id], levels[(tracker_id, student_id)])
        )
    for summaries in out.values():
        summaries.sort(key=lambda s: (s.tracker.name.lower(), s.tracker.pk))
    return out


# ------------------------------------------------------------------ the Mastery View


@dataclass
class EvidenceLine:
    """One score behind a level: when, on what, which attempt, and (if shown) the points."""

    assessed_on: datetime.date
    assessment_title: str
    attempt_number: int | None
    points_earned: Decimal | None  # None: the portal settings hide scores
    points_possible: Decimal | None
    level: Swatch
    counted: bool


@dataclass
class StandardMastery:
    standard_id: int
    code: str
    statement: str
    full_statement: str
    unit_title: str
    swatch: Swatch
    score: Decimal | None  # percent; None when none yet or hidden
    is_overridden: bool
    evidence: list[EvidenceLine]
    result: MasteryResult | None  # None when the portal settings hide scores
    assessments: list[AssignmentView] = field(default_factory=list)

    @property
    def assessed(self) -> bool:
        return bool(self.evidence) or self.is_overridden

    @property
    def pk(self) -> int:
        """The standard's id (includes that take a standard read ``standard.pk``)."""
        return self.standard_id


@dataclass
class LevelTab:
    swatch: Swatch
    standards: list[StandardMastery]


@dataclass
class StudentMastery:
    student: User
    tracker: Tracker
    scale: Scale
    show_scores: bool
    tabs: list[LevelTab]
    standards: list[StandardMastery]
    teachers: list[User]
    next_steps: NextSteps
    swatches: list[Swatch]

    @property
    def assessed_count(self) -> int:
        return sum(1 for s in self.standards if s.assessed)

    @property
    def percent_assessed(self) -> int:
        if not self.standards:
            return 0
        return round(100 * self.assessed_count / len(self.standards))

    @property
    def mastery_level(self) -> Level:
        return self.scale.mastery_level


def mastery_student_or_404(user: AnyUser, student_id: int | str, role: Role) -> User:
    """The student, if ``user`` reaches them in ``role`` (themself; a linked child)."""
    return access.get_student_or_404(user, student_id, as_role=role)


def tracker_of_student_or_404(student: User, tracker_id: int | str) -> Tracker:
    try:
        return (
            Tracker.objects.filter(
                pk__in=_student_trackers([student.pk]).values("tracker"), pk=int(tracker_id)
            )
            .select_related("owner")
            .get()
        )
    except (Tracker.DoesNotExist, ValueError, TypeError):
        raise Http404("No such class.") from None


def _student_sections(student: User, tracker: Tracker) -> QuerySet[Enrollment, Any]:
    return Enrollment.objects.filter(
        user=student,
        role=Enrollment.Role.STUDENT,
        is_active=True,
        section__is_active=True,
        section__in=TrackerSection.objects.filter(tracker=tracker).values("section"),
    ).values("section")


def _teachers(student: User, tracker: Tracker) -> list[User]:
    """The teachers of the student's classes in the tracker (one query)."""
    rows = (
        Enrollment.objects.filter(
            role=Enrollment.Role.TEACHER,
            is_active=True,
            section__in=_student_sections(student, tracker),
        )
        .select_related("user")
        .order_by("-is_primary", "user__last_name", "user__first_name", "pk")
    )
    seen: dict[int, User] = {}
    for row in rows:
        seen.setdefault(row.user_id, row.user)
    return list(seen.values())


def _evidence(student: User, tracker: Tracker) -> dict[int, list[Evidence]]:
    rows = (
        Evidence.objects.filter(
            student=student,
            is_deleted=False,
            standard__in=TrackerStandard.objects.filter(tracker=tracker, is_hidden=False).values(
                "standard"
            ),
        )
        .select_related("assessment", "attempt")
        .order_by("assessed_on", "entered_at", "id")
    )
    by_standard: dict[int, list[Evidence]] = defaultdict(list)
    for row in rows:
        by_standard[row.standard_id].append(row)
    return by_standard


def _scores_shown(tracker: Tracker, hidden_assessments: set[int], row: Evidence) -> bool:
    if tracker.portal_scores == PortalShow.NEVER:
        return False
    return row.assessment_id not in hidden_assessments


def _standard(
    tracker: Tracker,
    placement: Mapping[str, Any],
    rollup: Rollup | None,
    rows: list[Evidence],
    colours: dict[str, Swatch],
    hidden_assessments: set[int],
) -> StandardMastery:
    scale = tracker.mastery_scale()
    show = tracker.portal_scores != PortalShow.NEVER
    result = calculate([engine_evidence(row) for row in rows], tracker.policy()) if rows else None
    lines = []
    for index, row in enumerate(rows):
        shown = _scores_shown(tracker, hidden_assessments, row)
        use = result.evidence[index] if result else None
        lines.append(
            EvidenceLine(
                assessed_on=row.assessed_on,
                assessment_title=row.assessment.title if row.assessment else "",
                attempt_number=row.attempt.number if row.attempt else None,
                points_earned=row.points_earned if shown else None,
                points_possible=row.points_possible if shown else None,
                level=colours[use.level.abbreviation] if use else colours["NS"],
                counted=use.counted if use else True,
            )
        )
    level = rollup.level if rollup else scale.not_assessed.abbreviation
    code = str(placement["standard__human_coding_scheme"] or placement["standard__identifier"])
    full = str(placement["standard__full_statement"])
    return StandardMastery(
        standard_id=int(str(placement["standard_id"])),
        code=code,
        statement=str(placement["standard__abbreviated_statement"] or full),
        full_statement=full,
        unit_title=str(placement["unit_title"] or ""),
        swatch=colours.get(level, colours[scale.not_assessed.abbreviation]),
        score=rollup.score if (rollup and show) else None,
        is_overridden=bool(rollup and rollup.is_overridden),
        evidence=lines,
        # The calculation shows every score: hidden when any of them is.
        result=result if show and all(line.points_earned is not None for line in lines) else None,
    )


def student_mastery(
    user: AnyUser, student_id: int | str, tracker_id: int | str, *, role: Role
) -> StudentMastery:
    """The Mastery View of one student in one tracker, as ``user`` in ``role`` may see it.

    Twelve queries whatever the size of the tracker: the student, the tracker, its
    standards, the student's rollups and evidence, the teachers, the assignments (five) and
    the learning progressions.
    """
    student = mastery_student_or_404(user, student_id, role)
    tracker = tracker_of_student_or_404(student, tracker_id)
    scale = tracker.mastery_scale()
    colours = swatches(scale, DEFAULT_COLOUR_MODE)
    placements = list(
        TrackerStandard.objects.filter(tracker=tracker, is_hidden=False)
        .order_by("position", "id")
        .values(
            "standard_id",
            "standard__human_coding_scheme",
            "standard__identifier",
            "standard__abbreviated_statement",
            "standard__full_statement",
            "unit_title",
        )
    )
    rollups = {
        r.standard_id: r
        for r in Rollup.objects.filter(tracker=tracker, student=student).only(
            "standard_id", "level", "score", "is_overridden", "evidence_count"
        )
    }
    evidence = _evidence(student, tracker)
    teachers = _teachers(student, tracker)
    assignments = student_assignments_in(student, tracker)
    hidden = {
        a.assignment.assessment_id
        for a in assignments
        if tracker.portal_scores == PortalShow.AFTER_ALL and not a.all_finished
    }
    standards = [
        _standard(
            tracker,
            p,
            rollups.get(int(str(p["standard_id"]))),
            evidence.get(int(str(p["standard_id"])), []),
            colours,
            hidden,
        )
        for p in placements
    ]
    by_assessment: dict[int, AssignmentView] = {a.assignment.assessment_id: a for a in assignments}
    for standard in standards:
        seen: set[int] = set()
        for row in evidence.get(standard.standard_id, []):
            view = by_assessment.get(row.assessment_id or 0)
            if view is not None and view.assignment.pk not in seen:
                seen.add(view.assignment.pk)
                standard.assessments.append(view)
    tabs = [
        LevelTab(swatch, [s for s in standards if s.swatch.abbreviation == abbr])
        for abbr, swatch in colours.items()
    ]
    return StudentMastery(
        student=student,
        tracker=tracker,
        scale=scale,
        show_scores=tracker.portal_scores != PortalShow.NEVER,
        tabs=tabs,
        standards=standards,
        teachers=teachers,
        next_steps=next_steps(standards, scale),
        swatches=list(colours.values()),
    )
