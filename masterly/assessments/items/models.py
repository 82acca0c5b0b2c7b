"""Items, their versions, and what a version holds (choices, alignments, rubric, images).

An :class:`Item` is the bank's entry: who owns it and who may see it. What students see is an
:class:`ItemVersion`; a version that an assessment uses is never changed again (an edit makes
the next version), so results always point at what students saw (ADR 18). Rich text is kept
twice: the teacher's source (re-edited) and the sanitised HTML with MathML (shown).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

POINTS_DIGITS = 7
POINTS_PLACES = 2
NUMBER_DIGITS = 18
NUMBER_PLACES = 6


class Scope(models.TextChoices):
    """Who besides the owner may find an item (or a stimulus) in the bank."""

    OWN = "own", "Only me"
    SCHOOL = "school", "My school"
    DISTRICT = "district", "The district"


class InteractionType(models.TextChoices):
    MULTIPLE_CHOICE = "multiple_choice", "Multiple choice"
    MULTIPLE_SELECT = "multiple_select", "Multiple select"
    TRUE_FALSE = "true_false", "True / false"
    NUMERIC = "numeric", "Numeric entry"
    SHORT_TEXT = "short_text", "Short text"
    EXTENDED = "extended", "Extended response (rubric)"


# The types whose answers are choices (true/false is two choices, so it is analysed alike).
CHOICE_TYPES = frozenset(
    {InteractionType.MULTIPLE_CHOICE, InteractionType.MULTIPLE_SELECT, InteractionType.TRUE_FALSE}
)


def _scope_constraints(prefix: str) -> list[models.BaseConstraint]:
    return [
        models.CheckConstraint(condition=Q(scope__in=Scope.values), name=f"{prefix}_scope_known"),
        models.CheckConstraint(
            condition=~Q(scope=Scope.SCHOOL) | Q(school__isnull=False),
            name=f"{prefix}_school_scope_has_school",
        ),
        models.CheckConstraint(
            condition=~Q(scope=Scope.DISTRICT) | Q(district__isnull=False),
            name=f"{prefix}_district_scope_has_district",
        ),
    ]


class Shared(models.Model):
    """Owner and sharing scope, common to items and stimuli."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.OWN)
    # The owner's school and district when it was written: what "my school" and "the
    # district" mean for this item, whatever roles the owner holds later.
    school = models.ForeignKey(
        "roster.Org", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    district = models.ForeignKey(
        "roster.Org", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True


class Stimulus(Shared):
    """A passage, table or figure several items refer to (shown above each of them)."""

    title = models.CharField(max_length=300)
    content_source = models.TextField()
    content_html = models.TextField()

    class Meta:
        verbose_name_plural = "stimuli"
        constraints = _scope_constraints("stimulus")

    def __str__(self) -> str:
        return self.title


class Item(Shared):
    """A bank entry; ``current`` is the version the bank shows and an edit starts from."""

    current = models.ForeignKey(
        "ItemVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    copied_from = models.ForeignKey(
        "ItemVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="copies"
    )

    class Meta:
        constraints = _scope_constraints("item")
        indexes = [
            # The bank lists newest changes first: walked backwards, a page stops early.
            models.Index(fields=["updated_at", "id"], name="item_bank_order"),
            models.Index(fields=["owner", "updated_at"], name="item_owner_order"),
        ]

    def __str__(self) -> str:
        return f"item {self.pk}"


class ItemVersion(models.Model):
    """What students see and how it is scored; frozen once an assessment uses it."""

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    interaction = models.CharField(max_length=20, choices=InteractionType.choices)
    stimulus = models.ForeignKey(
        Stimulus, null=True, blank=True, on_delete=models.PROTECT, related_name="versions"
    )
    stem_source = models.TextField()
    stem_html = models.TextField()
    # Stem, choices and accepted answers as lower-case plain text: what the bank's text search
    # reads.
    search_text = models.TextField(blank=True)
    dok = models.PositiveSmallIntegerField("depth of knowledge")
    # Numeric entry: correct when |answer - numeric_answer| <= numeric_tolerance.
    numeric_answer = models.DecimalField(
        max_digits=NUMBER_DIGITS, decimal_places=NUMBER_PLACES, null=True, blank=True
    )
    numeric_tolerance = models.DecimalField(
        max_digits=NUMBER_DIGITS, decimal_places=NUMBER_PLACES, default=Decimal(0)
    )
    # Short text: exact answers accepted (compared without case or surrounding spaces), or
    # none when the teacher scores it.
    accepted_answers = models.JSONField(default=list, blank=True)
    teacher_scored = models.BooleanField(default=False)
    # False when the order of the choices carries meaning (1, 2, 3, 4; "A and B" below them):
    # never shuffled, even in an assessment that shuffles options (QTI ``shuffle="false"``).
    may_shuffle_options = models.BooleanField("options may be shuffled", default=True)
    images: models.ManyToManyField[ItemImage, Any] = models.ManyToManyField(
        "ItemImage", blank=True, related_name="versions"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["item_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="unique_item_version_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="item_version_number_1_up"),
            models.CheckConstraint(condition=Q(dok__gte=1, dok__lte=4), name="item_dok_1_to_4"),
            models.CheckConstraint(
                condition=Q(interaction__in=InteractionType.values), name="item_interaction_known"
            ),
            models.CheckConstraint(
                condition=Q(numeric_tolerance__gte=0), name="item_tolerance_not_negative"
            ),
            models.CheckConstraint(
                condition=~Q(interaction=InteractionType.NUMERIC) | Q(numeric_answer__isnull=False),
                name="item_numeric_has_answer",
            ),
        ]
        indexes = [models.Index(fields=["interaction", "dok"])]

    def __str__(self) -> str:
        return f"item {self.item_id} v{self.number}"


class Choice(models.Model):
    """An option of a choice item, with why a student might pick it when it is wrong."""

    version = models.ForeignKey(ItemVersion, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveSmallIntegerField()
    content_source = models.TextField()
    content_html = models.TextField()
    is_correct = models.BooleanField(default=False)
    rationale = models.TextField(blank=True, help_text="Why a student might choose it.")
    # Reduced answer choices: left out for a student with that accommodation.
    dropped_when_reduced = models.BooleanField(default=False)
    # Keeps its place when the other choices are shuffled ("All of the above" stays last;
    # QTI ``fixed="true"``).
    fixed = models.BooleanField("keeps its place", default=False)

    class Meta:
        ordering = ["version_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="unique_choice_position"),
            models.CheckConstraint(
                condition=~Q(is_correct=True, dropped_when_reduced=True),
                name="choice_key_never_dropped",
            ),
        ]

    def __str__(self) -> str:
        return f"choice {self.position} of {self.version_id}"

    @property
    def letter(self) -> str:
        return chr(ord("A") + self.position) if self.position < 26 else str(self.position + 1)


class ItemStandard(models.Model):
    """A version's alignment: the points it gives toward one standard."""

    version = models.ForeignKey(ItemVersion, on_delete=models.CASCADE, related_name="alignments")
    standard = models.ForeignKey(
        "standards.Standard", on_delete=models.PROTECT, related_name="item_alignments"
    )
    points = models.DecimalField(max_digits=POINTS_DIGITS, decimal_places=POINTS_PLACES)
    # The version's depth of knowledge, copied when the alignment is written (a version's
    # alignments are written afresh whenever its fields change): the bank's search by a
    # domain and a DOK then reads a quarter of the domain's versions, not all (ADR 18).
    dok = models.PositiveSmallIntegerField("its version's depth of knowledge")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["version", "standard"], name="unique_item_standard_per_version"
            ),
            models.CheckConstraint(condition=Q(points__gt=0), name="item_standard_points_positive"),
        ]
        indexes = [
            models.Index(fields=["standard", "dok", "version"], name="itemstandard_standard_dok")
        ]

    def __str__(self) -> str:
        return f"{self.version_id} → {self.standard_id} ({self.points})"


class RubricCriterion(models.Model):
    """A row of an extended response's rubric, scored toward one standard."""

    version = models.ForeignKey(ItemVersion, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)
    standard = models.ForeignKey(
        "standards.Standard", on_delete=models.PROTECT, related_name="rubric_criteria"
    )

    class Meta:
        ordering = ["version_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "position"], name="unique_criterion_position"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class RubricLevel(models.Model):
    """A column of a criterion: what a performance at this level looks like, and its points."""

    criterion = models.ForeignKey(RubricCriterion, on_delete=models.CASCADE, related_name="levels")
    position = models.PositiveSmallIntegerField()
    label = models.CharField(max_length=300)
    points = models.DecimalField(max_digits=POINTS_DIGITS, decimal_places=POINTS_PLACES)

    class Meta:
        ordering = ["criterion_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["criterion", "position"], name="unique_level_position"),
            models.CheckConstraint(
                condition=Q(points__gte=0), name="rubric_level_points_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.points})"


class ItemImage(models.Model):
    """An image checked on upload (re-encoded raster, or sanitised SVG), with its alt text."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    content_type = models.CharField(max_length=40)
    data = models.BinaryField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    # Empty only for an image a QTI package marks decorative (``alt=""``); a teacher's upload
    # always has one (``services.image_add``; ADR 21).
    alt_text = models.CharField(max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(content_type__startswith="image/"), name="item_image_is_image"
            ),
        ]

    def __str__(self) -> str:
        return f"image {self.pk}: {self.alt_text[:40]}"


class AssessmentItem(models.Model):
    """An item version placed in an assessment (its section, and its place there).

    Any row here makes the version "in use" (:func:`..usage.item_version_in_use`): it is never
    changed again. Composition (sections, shuffling) builds on this row.
    """

    assessment = models.ForeignKey(
        "assessments.Assessment", on_delete=models.PROTECT, related_name="items"
    )
    item_version = models.ForeignKey(
        ItemVersion, on_delete=models.PROTECT, related_name="placements"
    )
    section = models.PositiveSmallIntegerField(default=1)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["assessment_id", "section", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "item_version"], name="unique_item_per_assessment"
            ),
            models.UniqueConstraint(
                fields=["assessment", "section", "position"], name="unique_assessment_position"
            ),
            models.CheckConstraint(condition=Q(section__gte=1), name="assessment_section_1_up"),
        ]

    def __str__(self) -> str:
        return f"{self.item_version} in {self.assessment_id} §{self.section}.{self.position}"


__all__ = [
    "CHOICE_TYPES",
    "AssessmentItem",
    "Choice",
    "InteractionType",
    "Item",
    "ItemImage",
    "ItemStandard",
    "ItemVersion",
    "RubricCriterion",
    "RubricLevel",
    "Scope",
    "Stimulus",
]
