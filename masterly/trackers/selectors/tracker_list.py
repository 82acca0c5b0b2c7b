"""The tracker list: the trackers a user may open, with percent assessed; the trackers a
leader oversees, filtered and paged; and the classes a new tracker may be built on."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Q, QuerySet

from masterly.accounts.models import User
from masterly.assessments.models import Evidence
from masterly.roster import access
from masterly.roster.models import Course, Org, Role, Section
from masterly.trackers.membership import tracker_students
from masterly.trackers.models import Tracker, TrackerSection, TrackerStandard
from masterly.trackers.selectors.trackers import AnyUser, overseen_trackers, visible_trackers

OVERSEEN_PAGE_SIZE = 25


@dataclass
class TrackerRow:
    tracker: Tracker
    sections: list[Section]
    standard_count: int
    assessed_count: int

    @property
    def percent_assessed(self) -> int:
        if not self.standard_count:
            return 0
        return round(self.assessed_count * 100 / self.standard_count)


@dataclass
class TrackerList:
    current: list[TrackerRow]
    archived: list[TrackerRow]


def tracker_list(user: AnyUser) -> TrackerList:
    """The trackers ``user`` may open, current and archived, with percent assessed.

    Three queries: the trackers, their sections, and for every (tracker, standard) whether
    any of the tracker's students has evidence on it.
    """
    rows = _rows(
        visible_trackers(user)
        .select_related("curriculum_map", "owner")
        .prefetch_related("sections")
        .order_by("name", "id")
    )
    return TrackerList(
        current=[row for row in rows if not row.tracker.is_archived],
        archived=[row for row in rows if row.tracker.is_archived],
    )


def _rows(queryset: QuerySet[Tracker]) -> list[TrackerRow]:
    """The rows of these trackers (two queries more than the trackers': their sections, and
    whether each of their standards is assessed)."""
    trackers = list(queryset)
    assessed = Exists(
        Evidence.objects.filter(
            standard_id=OuterRef("standard_id"),
            is_deleted=False,
            student_id__in=tracker_students(OuterRef(OuterRef(OuterRef("tracker_id")))),
        )
    )
    totals: Counter[int] = Counter()
    done: Counter[int] = Counter()
    if trackers:
        for tracker_id, is_assessed in (
            TrackerStandard.objects.filter(tracker__in=[t.pk for t in trackers])
            .annotate(assessed=assessed)
            .order_by()
            .values_list("tracker_id", "assessed")
        ):
            totals[tracker_id] += 1
            done[tracker_id] += bool(is_assessed)
    return [TrackerRow(t, list(t.sections.all()), totals[t.pk], done[t.pk]) for t in trackers]


@dataclass
class OverseenList:
    """A page of the trackers a leader oversees, and the choices of its filters."""

    page: Page[TrackerRow]
    schools: list[Org]
    teachers: list[User]
    courses: list[Course]


def _id(value: object) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None


def overseen_tracker_list(
    user: AnyUser,
    *,
    school: object = None,
    teacher: object = None,
    course: object = None,
    page: int | str | None = 1,
) -> OverseenList:
    """The trackers ``user`` oversees (a leader's schools', an admin's district's), filtered
    by school, owner and course, a page at a time, with the filters' choices.

    Seven queries whatever the number of trackers: the three choices, the count, the page,
    its sections and its assessed standards. A filter that is not an id is ignored.
    """
    overseen = overseen_trackers(user)
    trackers = overseen
    if (school_id := _id(school)) is not None:
        at_school = TrackerSection.objects.filter(section__school_id=school_id)
        trackers = trackers.filter(pk__in=at_school.values("tracker"))
    if (teacher_id := _id(teacher)) is not None:
        trackers = trackers.filter(owner_id=teacher_id)
    if (course_id := _id(course)) is not None:
        of_course = TrackerSection.objects.filter(section__course_id=course_id)
        trackers = trackers.filter(pk__in=of_course.values("tracker"))
    ordered = (
        trackers.select_related("curriculum_map", "owner")
        .prefetch_related("sections")
        .order_by("is_archived", "name", "id")
    )
    paged = Paginator(ordered, OVERSEEN_PAGE_SIZE).get_page(page)
    paged.object_list = _rows(paged.object_list)  # type: ignore[arg-type,assignment]
    in_scope = TrackerSection.objects.filter(tracker__in=overseen.values("pk"))
    return OverseenList(
        page=paged,  # type: ignore[arg-type]
        schools=list(access.visible_schools(user).order_by("name", "id")),
        teachers=list(
            User.objects.filter(pk__in=overseen.values("owner")).order_by(
                "last_name", "first_name", "id"
            )
        ),
        courses=list(
            Course.objects.filter(pk__in=in_scope.values("section__course")).order_by("title", "id")
        ),
    )


def creatable_sections(user: AnyUser, today: datetime.date) -> QuerySet[Section]:
    """The current sections ``user`` teaches: the ones a new tracker may be built on."""
    return (
        access.visible_sections(user, as_role=Role.TEACHER)
        .filter(is_active=True)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .select_related("course")
        .order_by("title", "id")
    )
