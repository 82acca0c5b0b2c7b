"""The demo's assessment results: per course, a common assessment and a benchmark already
taken by every class of the course, entered as paper tests through the score sheet's service.

Each course's items come from the district bank (aligned to the course's standards) and the
course's first teacher writes the tests (the demo ``teacher`` for grade 6). The common
assessment also holds one item of that teacher's whose key is wrong: the stronger students
choose the right answer, which the key calls wrong, so its item analysis flags it (negative
discrimination, a "distractor" chosen more than the key) and the teacher can correct the key
and rescore. Students answer by their demo profile (``trackers.student_profile``): better
students answer more items right; some were absent.

Deterministic and safe to run again: a course that already has its tests keeps them.
"""

from __future__ import annotations

import datetime
import math
import random
import time
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from masterly.accounts.models import User
from masterly.assessments.composition import services as composition
from masterly.assessments.items import services as item_writes
from masterly.assessments.items.drafts import ChoiceDraft, ItemDraft
from masterly.assessments.items.models import Item, ItemVersion, Scope
from masterly.assessments.models import Assessment
from masterly.assessments.responses.keys import PlacedItem, placed_items
from masterly.demo.accommodations import DEMO_STUDENT
from masterly.demo.rosters import SEED
from masterly.demo.standards import course_grade
from masterly.demo.story import score_shifts
from masterly.demo.trackers import school_day, student_profile
from masterly.roster.models import Section
from masterly.standards.models import Standard
from masterly.trackers.membership import tracker_students
from masterly.trackers.models import Tracker, TrackerSection, TrackerStandard
from masterly.trackers.services.paper_scores import assessment_give, paper_scores_save

COMMON_ITEMS = 9  # and the flawed one
BENCHMARK_ITEMS = 8
AUTO_TYPES = ("multiple_choice", "multiple_select", "true_false", "numeric", "short_text")

# Per grade: an item whose key (the second option) is wrong; the first option is right.
FLAWED = {
    6: (
        "6.RP.A.3",
        "A recipe uses 3 cups of flour for 2 loaves. How many cups for 8 loaves?",
        ("12", "9", "6", "24"),
    ),
    7: (
        "7.RP.A.2",
        "3 notebooks cost $4.50. At the same price, what do 7 notebooks cost?",
        ("$10.50", "$9.00", "$31.50", "$1.50"),
    ),
    8: ("8.EE.C.7", "Solve 3x + 4 = 19.", ("5", "7", "15", "23/3")),
}


@dataclass
class ResultsDemo:
    lines: list[str]
    seconds: float = 0.0


# The story's climb is over by the time these tests are taken (late in the term).
STORY_SPAN_DAYS = 90


def build_results_demo(*, today: datetime.date) -> ResultsDemo:
    """Every course's common assessment and benchmark, taken by its classes."""
    started = time.monotonic()
    # A district common assessment: one per course title, given in every school's classes.
    by_course: dict[str, list[Tracker]] = defaultdict(list)
    grades: dict[str, int | None] = {}
    for placement in (
        TrackerSection.objects.filter(tracker__is_archived=False)
        .select_related("tracker__owner", "section__course")
        .order_by("tracker_id", "section_id")
    ):
        grades[placement.section.course.title] = course_grade(placement.section.course)
        trackers = by_course[placement.section.course.title]
        if placement.tracker not in trackers:
            trackers.append(placement.tracker)
    lines = []
    for title, trackers in sorted(by_course.items()):
        grade = grades[title]
        if grade not in FLAWED:
            continue
        trackers.sort(key=lambda t: (t.owner.username != "teacher", t.pk))
        lines.extend(_course_results(title, grade, trackers, today))
    seconds = time.monotonic() - started
    return ResultsDemo([*lines, f"Assessment results entered in {seconds:.1f} s."], seconds)


def _course_results(
    course: str, grade: int, trackers: list[Tracker], today: datetime.date
) -> list[str]:
    author = trackers[0].owner
    common_title = f"{course}: common assessment 1"
    if Assessment.objects.filter(title=common_title, created_by=author).exists():
        return [f"{course}: its common assessment and benchmark are already there."]
    on_map = set(
        TrackerStandard.objects.filter(tracker__in=trackers).values_list("standard_id", flat=True)
    )
    rng = random.Random(f"{SEED}:results:{course}")  # noqa: S311 - demo data
    bank = _bank_versions(on_map, grade)
    rubric = [v for v in bank[-1:] if v.interaction == "extended"]
    choices = bank[: len(bank) - len(rubric)]
    rng.shuffle(choices)
    common_items = choices[: COMMON_ITEMS - len(rubric)] + rubric
    benchmark_items = choices[COMMON_ITEMS : COMMON_ITEMS + BENCHMARK_ITEMS]
    flawed = _flawed_item(author, grade)
    if flawed is not None:
        common_items.insert(rng.randrange(2, len(common_items)), flawed)
    lines = []
    for title, kind, versions, days_ago, truth in (
        (common_title, Assessment.Kind.COMMON, common_items, 5, flawed),
        (f"{course}: fall benchmark", Assessment.Kind.BENCHMARK, benchmark_items, 30, None),
    ):
        if not versions:
            continue
        on = school_day(
            today - datetime.timedelta(days=days_ago), today - datetime.timedelta(days=60), today
        )
        # Shared with the district, as a common assessment is: its leaders see who wrote it.
        assessment = composition.assessment_create(
            actor=author, title=title, kind=kind, scope=Scope.DISTRICT, assessed_on=on
        )
        composition.items_add(
            actor=author, assessment=assessment, items=[v.item for v in versions], section=1
        )
        items = placed_items(assessment.pk)
        truly_right = {
            item.placement_id: 0
            for item in items
            if truth is not None and item.key_version.pk == truth.pk
        }
        taken = 0
        for tracker in trackers:
            assessment_give(actor=tracker.owner, tracker=tracker, assessment=assessment)
            # Seeded by names, not ids: PostgreSQL's ids depend on what ran before the build
            # (sequences never roll back), and the demo must come out the same everywhere.
            seed = f"{title}:{tracker.owner.username}:{tracker.name}"
            cells = _answers(tracker, items, truly_right, seed, on)
            taken += len({student for student, _ in cells})
            paper_scores_save(
                actor=tracker.owner,
                tracker=tracker,
                assessment=assessment,
                cells=cells,
                taken_on=on,
            )
        lines.append(f"{title}: {len(items)} items, taken by {taken} students.")
    return lines


def _bank_versions(on_map: set[int], grade: int) -> list[ItemVersion]:
    """The district bank's current versions of the grade's auto-scored items on the course's
    standards, and one rubric item, in a fixed order."""
    versions = list(
        ItemVersion.objects.filter(
            pk__in=Item.objects.filter(scope=Scope.DISTRICT).values("current"),
            alignments__standard__in=on_map,
            alignments__standard__grade_keys=f",{grade:02d},",
            interaction__in=[*AUTO_TYPES, "extended"],
            teacher_scored=False,
        )
        .select_related("item")
        .order_by("pk")
        .distinct()
    )
    rubrics = [v for v in versions if v.interaction == "extended"]
    return [v for v in versions if v.interaction != "extended"] + rubrics[:1]


def _flawed_item(author: User, grade: int) -> ItemVersion | None:
    code, stem, options = FLAWED[grade]
    standard = Standard.objects.filter(human_coding_scheme=code).first()
    if standard is None:
        return None
    right, keyed, *others = options
    item = item_writes.item_create(
        actor=author,
        draft=ItemDraft(
            interaction="multiple_choice",
            stem=f"<p>{stem}</p>",
            dok=2,
            standards=((standard, Decimal(1)),),
            choices=(
                ChoiceDraft(right, rationale="Scaled both quantities by the same factor."),
                # The key entered by mistake: the item analysis flags it.
                ChoiceDraft(keyed, is_correct=True),
                *(ChoiceDraft(option, rationale="A common slip.") for option in others),
            ),
        ),
        scope=Scope.OWN,
    )
    return item.current


def _answers(
    tracker: Tracker,
    items: list[PlacedItem],
    truly_right: dict[int, int],
    seed: str,
    on: datetime.date,
) -> dict[tuple[int, int], str]:
    """What each student of ``tracker`` answered (absent students have no row), their
    ability moved by the demo's story on each item's standard, as their quick checks are."""
    cells: dict[tuple[int, int], str] = {}
    students = list(User.objects.filter(pk__in=tracker_students(tracker.pk)).order_by("pk"))
    standard_of = {
        item.placement_id: (
            item.alignments[0][0] if item.alignments else item.criterion_standards[0]
        )
        for item in items
        if item.alignments or item.criterion_standards
    }
    shifts = score_shifts(
        sections=list(
            Section.objects.filter(
                pk__in=TrackerSection.objects.filter(tracker=tracker).values("section")
            )
        ),
        students=[student.pk for student in students],
        teacher=tracker.owner.sourced_id or "",
        codes=dict(
            Standard.objects.filter(pk__in=set(standard_of.values())).values_list(
                "pk", "human_coding_scheme"
            )
        ),
        starts=on - datetime.timedelta(days=STORY_SPAN_DAYS),
        until=on,
    )
    for student in students:
        key = student.sourced_id or str(student.pk)
        profile = student_profile(key)
        rng = random.Random(f"{SEED}:{seed}:{key}")  # noqa: S311 - demo data
        # The demo student sits every test: the README's walk reads their results.
        if rng.random() < profile.absent and student.username != DEMO_STUDENT:
            continue
        ability = profile.start + profile.gain / 2 + rng.gauss(0, 0.06)
        shift = shifts[student.pk]
        for position, item in enumerate(items):
            easiness = (hash_unit(f"{seed}:{position}") - 0.5) * 0.4
            standard = standard_of.get(item.placement_id)
            moved = ability + (shift(standard, on) if standard is not None else 0.0)
            chance = 1 / (1 + math.exp(-8 * (moved + easiness - 0.45)))
            right = rng.random() < chance
            cells[(student.pk, item.placement_id)] = _typed(
                rng, item, right, ability, truly_right.get(item.placement_id)
            )
    return cells


def hash_unit(text: str) -> float:
    """A number in [0, 1) fixed by ``text`` (an item's own difficulty)."""
    return random.Random(text).random()  # noqa: S311 - demo data


def _typed(
    rng: random.Random, item: PlacedItem, right: bool, ability: float, truth: int | None
) -> str:
    key = item.key
    letters = [chr(ord("A") + p) for p in range(key.choice_count)]
    correct = sorted(key.correct) if truth is None else [truth]
    if key.interaction == "true_false":
        return ("T" if correct == [0] else "F") if right else ("F" if correct == [0] else "T")
    if key.interaction == "multiple_choice":
        if right:
            return letters[correct[0]]
        wrong = [letter for p, letter in enumerate(letters) if p != correct[0]]
        return rng.choice(wrong)
    if key.interaction == "multiple_select":
        chosen = set(correct)
        if not right:
            chosen ^= {rng.randrange(key.choice_count)}
            chosen = chosen or {rng.randrange(key.choice_count)}
        return "".join(letters[p] for p in sorted(chosen))
    if key.interaction == "numeric" and key.numeric_answer is not None:
        answer = key.numeric_answer if right else key.numeric_answer + rng.choice([1, -1, 10])
        return f"{answer.normalize():f}"
    if key.interaction == "short_text":
        return key.accepted_answers[0] if right else rng.choice(["associative", "identity"])
    if key.criteria:
        points = []
        for levels in key.criteria:
            level = round(ability * (len(levels) - 1) + rng.gauss(0, 0.6))
            points.append(levels[max(0, min(len(levels) - 1, level))])
        return " ".join(f"{p.normalize():f}" for p in points)
    return "-"
