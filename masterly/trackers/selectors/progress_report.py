"""One student's progress on one tracker, as the family and student reports show it.

Who may read it: a guardian their linked child, a student only themself (``roster.access``),
and only on a tracker one of the student's current classes is in. What it shows obeys the
tracker's portal settings: hidden standards never appear, and scores only where the teacher
shows them (``portal_scores`` "Shown"; "Hidden" and "Once all have finished" hide them, as
a whole-tracker report cannot wait for one assessment).

Each read runs a fixed number of queries, whatever the number of standards. Levels over time
(the timeline, a term's report) are what the tracker's method makes of the evidence assessed
by each day, and an override from the day it was set: the same rule as the leaders' dashboards
"as of" a day (:func:`masterly.trackers.dashboard_counts.timeline`).
"""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.http import Http404
from django.utils import timezone

from masterly.accounts.models import User
from masterly.assessments.models import Evidence
from masterly.mastery import Level, Scale
from masterly.roster import access
from masterly.roster.models import AcademicSession, Enrollment, Org, Role, Section
from masterly.trackers.dashboard_counts import NOT_ASSESSED, Change, Points, timeline
from masterly.trackers.models import (
    Override,
    PortalShow,
    Rollup,
    Tracker,
    TrackerSection,
    TrackerStandard,
)
from masterly.trackers.rollups import PercentCache, tracker_scorer

TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class ReportSubject:
    """Whose report, on which tracker, in which class and school (as the reader may see it)."""

    student: User
    tracker: Tracker
    section: Section
    school: Org
    for_family: bool

    @property
    def show_scores(self) -> bool:
        return self.tracker.portal_scores == PortalShow.ALWAYS

    @property
    def scale(self) -> Scale:
        return self.tracker.mastery_scale()


def report_subject(
    user: User, *, student_id: int | str, tracker_id: int | str, as_role: Role
) -> ReportSubject:
    """The subject of a report ``user`` may read, else Http404 (two queries).

    ``as_role`` is the portal: ``Role.GUARDIAN`` (their children only) or ``Role.STUDENT``
    (themself only).
    """
    if as_role not in (Role.GUARDIAN, Role.STUDENT):
        raise Http404("No such report.")
    if as_role == Role.STUDENT and str(student_id) != str(user.pk):
        raise Http404("No such report.")
    student = access.get_student_or_404(user, student_id, as_role=as_role)
    placement = (
        TrackerSection.objects.filter(
            tracker_id=_int_or_404(tracker_id),
            section__is_active=True,
            section__in=Enrollment.objects.filter(
                user=student, role=Enrollment.Role.STUDENT, is_active=True
            ).values("section"),
        )
        .select_related("tracker", "section__school")
        .order_by("section_id")
        .first()
    )
    if placement is None:
        raise Http404("No such report.")
    return ReportSubject(
        student=student,
        tracker=placement.tracker,
        section=placement.section,
        school=placement.section.school,
        for_family=as_role == Role.GUARDIAN,
    )


def _int_or_404(value: int | str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404("No such report.") from None


# ------------------------------------------------------------------ what the rows hold


@dataclass(frozen=True)
class StandardRow:
    """One standard of the report: its level (and score, where shown) and its evidence."""

    standard_id: int
    code: str
    statement: str
    unit: str
    level: Level
    score: Decimal | None
    evidence_count: int
    last_assessed_on: datetime.date | None


@dataclass(frozen=True)
class LevelCount:
    level: Level
    count: int
    percent: int


@dataclass
class Overview:
    """How many standards stand at each level, and the share assessed."""

    counts: list[LevelCount]
    total: int
    assessed: int

    @property
    def percent_assessed(self) -> int:
        return round(100 * self.assessed / self.total) if self.total else 0


def _overview(scale: Scale, levels: list[Level]) -> Overview:
    tally: dict[str, int] = defaultdict(int)
    for level in levels:
        tally[level.abbreviation] += 1
    total = len(levels)
    counts = [
        LevelCount(level, tally[level.abbreviation], _percent(tally[level.abbreviation], total))
        for level in (*scale.levels, scale.not_assessed)
    ]
    assessed = total - tally[scale.not_assessed.abbreviation]
    return Overview(counts=counts, total=total, assessed=assessed)


def _percent(count: int, total: int) -> int:
    return round(100 * count / total) if total else 0


@dataclass
class CurrentProgress:
    subject: ReportSubject
    rows: list[StandardRow]
    overview: Overview
    common_core: bool


def _placements(tracker: Tracker) -> list[TrackerStandard]:
    """The tracker's shown standards in its order (one query)."""
    return list(
        TrackerStandard.objects.filter(tracker=tracker, is_hidden=False)
        .select_related("standard__framework")
        .order_by("position", "id")
    )


def current_progress(subject: ReportSubject) -> CurrentProgress:
    """Each shown standard with the student's level now (two queries)."""
    placements = _placements(subject.tracker)
    rollups = {
        rollup.standard_id: rollup
        for rollup in Rollup.objects.filter(
            tracker=subject.tracker,
            student=subject.student,
            standard_id__in=[p.standard_id for p in placements],
        )
    }
    scale = subject.scale
    rows = []
    for placement in placements:
        rollup = rollups.get(placement.standard_id)
        level = _level(scale, rollup.level if rollup else "")
        score = rollup.score if rollup and subject.show_scores else None
        rows.append(
            _row(
                placement,
                level,
                score,
                rollup.evidence_count if rollup else 0,
                rollup.last_assessed_on if rollup else None,
            )
        )
    return CurrentProgress(
        subject=subject,
        rows=rows,
        overview=_overview(scale, [row.level for row in rows]),
        common_core=any(p.standard.framework.is_common_core for p in placements),
    )


def _row(
    placement: TrackerStandard,
    level: Level,
    score: Decimal | None,
    count: int,
    last: datetime.date | None,
) -> StandardRow:
    standard = placement.standard
    return StandardRow(
        standard_id=standard.pk,
        code=standard.human_coding_scheme,
        statement=standard.full_statement,
        unit=placement.unit_title,
        level=level,
        score=score,
        evidence_count=count,
        last_assessed_on=last,
    )


def _level(scale: Scale, abbreviation: str) -> Level:
    if not abbreviation or abbreviation == NOT_ASSESSED:
        return scale.not_assessed
    try:
        return scale.level_by_abbreviation(abbreviation)
    except ValueError:  # a level of a scale since changed: shown as not assessed
        return scale.not_assessed


# ------------------------------------------------------------------ history


@dataclass
class History:
    """Each shown standard's evidence and override, read once (three queries)."""

    placements: list[TrackerStandard]
    points: dict[int, Points]
    overrides: dict[int, tuple[str, datetime.date]]

    def changes(self, subject: ReportSubject, standard_id: int) -> list[Change]:
        return timeline(
            tracker_scorer(subject.tracker),
            self.points.get(standard_id, []),
            self.overrides.get(standard_id),
        )

    def points_by(self, standard_id: int, day: datetime.date) -> Points:
        return [p for p in self.points.get(standard_id, []) if p[2] <= day]


def _history(subject: ReportSubject) -> History:
    placements = _placements(subject.tracker)
    ids = [p.standard_id for p in placements]
    points: dict[int, Points] = defaultdict(list)
    for standard, earned, possible, on in (
        Evidence.objects.filter(is_deleted=False, student=subject.student, standard_id__in=ids)
        .order_by("standard_id", "assessed_on", "entered_at", "id")
        .values_list("standard_id", "points_earned", "points_possible", "assessed_on")
    ):
        points[standard].append((earned, possible, on))
    overrides = {
        standard: (level, timezone.localdate(set_at))
        for standard, level, set_at in Override.objects.filter(
            tracker=subject.tracker,
            student=subject.student,
            standard_id__in=ids,
            cleared_at__isnull=True,
        ).values_list("standard_id", "level", "set_at")
    }
    return History(placements=placements, points=dict(points), overrides=overrides)


def _level_on(changes: list[Change], day: datetime.date) -> str:
    level = NOT_ASSESSED
    for changed_on, new in changes:
        if changed_on > day:
            break
        level = new
    return level


@dataclass
class TimelineRow:
    code: str
    statement: str
    levels: list[Level]


@dataclass
class ProgressTimeline:
    subject: ReportSubject
    checkpoints: list[datetime.date]
    rows: list[TimelineRow]
    levels: list[Level] = field(default_factory=list)


def class_terms(subject: ReportSubject) -> list[AcademicSession]:
    """The student's class's terms (and grading periods), in order (one query)."""
    return list(
        AcademicSession.objects.filter(sectionterm__section=subject.section)
        .exclude(type=AcademicSession.Type.SCHOOL_YEAR)
        .order_by("start_date", "id")
    )


def checkpoints(start: datetime.date, today: datetime.date) -> list[datetime.date]:
    """The last day of each month from ``start``'s month to the month before today's, then
    today (at most 12 months back)."""
    days: list[datetime.date] = []
    year, month = start.year, start.month
    while (year, month) < (today.year, today.month):
        days.append(datetime.date(year, month, calendar.monthrange(year, month)[1]))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return [*days[-12:], today]


def progress_timeline(
    subject: ReportSubject, terms: list[AcademicSession], today: datetime.date
) -> ProgressTimeline:
    """Each shown standard's level at the end of each month of the school year, and today
    (three queries; ``terms`` from :func:`class_terms`)."""
    history = _history(subject)
    start = min((term.start_date for term in terms), default=_year_start(today))
    days = checkpoints(min(start, today), today)
    scale = subject.scale
    rows = []
    for placement in history.placements:
        changes = history.changes(subject, placement.standard_id)
        rows.append(
            TimelineRow(
                code=placement.standard.human_coding_scheme,
                statement=placement.standard.full_statement,
                levels=[_level(scale, _level_on(changes, day)) for day in days],
            )
        )
    return ProgressTimeline(
        subject=subject,
        checkpoints=days,
        rows=rows,
        levels=[*scale.levels, scale.not_assessed],
    )


def _year_start(today: datetime.date) -> datetime.date:
    return datetime.date(today.year if today.month >= 8 else today.year - 1, 8, 1)


# ------------------------------------------------------------------ a term's report


@dataclass
class TermReport:
    subject: ReportSubject
    term: AcademicSession
    as_of: datetime.date
    rows: list[StandardRow]
    overview: Overview
    common_core: bool


def term_or_404(terms: list[AcademicSession], term_id: int | str) -> AcademicSession:
    wanted = _int_or_404(term_id)
    for term in terms:
        if term.pk == wanted:
            return term
    raise Http404("No such term.")


def term_report(subject: ReportSubject, term: AcademicSession, today: datetime.date) -> TermReport:
    """Every shown standard assessed in the term, with the level it stood at by the term's end
    (or today, while the term runs), and the overview of the tracker's standards then (three
    queries)."""
    history = _history(subject)
    as_of = min(term.end_date, today)
    scale = subject.scale
    scorer = tracker_scorer(subject.tracker)
    assessed_rows = []
    levels = []
    for placement in history.placements:
        changes = history.changes(subject, placement.standard_id)
        level = _level(scale, _level_on(changes, as_of))
        levels.append(level)
        upto = history.points_by(placement.standard_id, as_of)
        in_term = [p for p in upto if p[2] >= term.start_date]
        if not in_term:
            continue
        score = None
        if subject.show_scores:
            percent = PercentCache(scorer)
            raw = scorer.score([percent(earned, possible) for earned, possible, _ in upto])[0]
            score = None if raw is None else raw.quantize(TWO_PLACES)
        assessed_rows.append(_row(placement, level, score, len(in_term), in_term[-1][2]))
    return TermReport(
        subject=subject,
        term=term,
        as_of=as_of,
        rows=assessed_rows,
        overview=_overview(scale, levels),
        common_core=any(p.standard.framework.is_common_core for p in history.placements),
    )
