"""Learning standards as published in 1EdTech CASE, and the curriculum maps built from them.

A ``Framework`` is a CASE CFDocument, a ``Standard`` is any CFItem (a grade, a domain, a
cluster, a standard or one of its components) and an ``Association`` is a CFAssociation.
Fields Masterly reads are columns; every other published field is kept verbatim in ``extra``
so an export gives back what was imported. Standards are never deleted: an item that
disappears upstream is *retired*, so curriculum maps, alignments and evidence pointing at it
stay intact.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Framework(models.Model):
    """A published set of standards (CASE ``CFDocument``)."""

    identifier = models.CharField(max_length=255, unique=True)
    uri = models.CharField(max_length=1000, blank=True)
    title = models.CharField(max_length=500)
    creator = models.CharField(max_length=500, blank=True)
    publisher = models.CharField(max_length=500, blank=True)
    description = models.TextField(blank=True)
    version = models.CharField(max_length=100, blank=True)
    adoption_status = models.CharField(max_length=100, blank=True)
    official_source_url = models.CharField(max_length=1000, blank=True)
    language = models.CharField(max_length=20, blank=True)
    notes = models.TextField(blank=True)
    subject = models.JSONField(default=list, blank=True)
    framework_type = models.CharField(max_length=255, blank=True, help_text="CASE 1.1")
    status_start_date = models.DateField(null=True, blank=True)
    status_end_date = models.DateField(null=True, blank=True)
    last_change_date_time = models.DateTimeField(null=True, blank=True)
    # CFDefinitions and CFRubrics as published (Masterly only passes them on).
    definitions = models.JSONField(default=dict, blank=True)
    rubrics = models.JSONField(default=list, blank=True)
    extra = models.JSONField(default=dict, blank=True, help_text="Other CFDocument fields.")
    # Derived on import: every education level its items use, in grade order (for filters).
    education_levels = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_common_core(self) -> bool:
        """Common Core text must carry its copyright notice wherever it is shown."""
        return self.creator.upper() == "CCSSO" or "common core" in self.title.lower()


class Standard(models.Model):
    """One CASE ``CFItem``: a node of a framework's tree, from a grade down to a component.

    Assessments align to standards and evidence is recorded against them, so a row keeps its
    primary key across re-imports: it is updated in place by CASE identifier.
    """

    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="standards")
    identifier = models.CharField(max_length=255)
    uri = models.CharField(max_length=1000, blank=True)
    human_coding_scheme = models.CharField("code", max_length=255, blank=True)
    full_statement = models.TextField()
    abbreviated_statement = models.TextField(blank=True)
    alternative_label = models.TextField(blank=True)
    item_type = models.CharField(max_length=255, blank=True, help_text="CFItemType")
    education_level = models.JSONField(default=list, blank=True)
    list_enumeration = models.CharField(max_length=50, blank=True)
    language = models.CharField(max_length=20, blank=True)
    notes = models.TextField(blank=True)
    concept_keywords = models.JSONField(default=list, blank=True)
    status_start_date = models.DateField(null=True, blank=True)
    status_end_date = models.DateField(null=True, blank=True)
    last_change_date_time = models.DateTimeField(null=True, blank=True)
    extra = models.JSONField(default=dict, blank=True, help_text="Other CFItem fields.")

    # Derived on import, for fast reads. The code in a form that matches however a publisher
    # punctuates it ("HSA-APR.A.1" and "HSA.APR.A.1" are both "hsa.apr.a.1"); byte-ordered
    # like StandardTerm.term, so a code prefix is an index range.
    code_key = models.CharField(max_length=255, blank=True, db_index=True)
    # Education levels as ",06,07," so "grade 6" is one LIKE on both databases.
    grade_keys = models.CharField(max_length=255, blank=True)
    # The tree, from the isChildOf associations: the primary parent, the order among siblings
    # and a materialized path ("0003.0001.0002") whose order is the depth-first order of the
    # whole framework, so a tree, a breadcrumb or a subtree is one indexed query.
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    position = models.PositiveIntegerField(default=0)
    depth = models.PositiveSmallIntegerField(default=0)
    tree_path = models.CharField(max_length=255, blank=True)
    # The nearest ancestor whose type is Domain (None for a domain itself and above it).
    domain = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    retired_at = models.DateTimeField(
        null=True, blank=True, help_text="Set when the item disappeared from its framework."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["framework_id", "tree_path"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "identifier"], name="unique_standard_per_framework"
            )
        ]
        indexes = [
            models.Index(fields=["framework", "tree_path"]),
            models.Index(fields=["domain", "tree_path"]),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The code when there is one, else the (short) statement."""
        if self.human_coding_scheme:
            return self.human_coding_scheme
        return self.abbreviated_statement or self.full_statement[:80]

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None


class StandardTerm(models.Model):
    """One normalized word of a standard's statements: the word index behind search.

    A table of words with a B-tree index answers "words starting with ..." in the same
    indexed way on SQLite and PostgreSQL, with no full-text extension on either.
    """

    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="terms")
    # Compared in byte order on both databases (PostgreSQL columns get the "C" collation in
    # the migration), so "starts with" is a plain index range: term >= 'rat' AND term < 'rau'.
    term = models.CharField(max_length=40)

    class Meta:
        constraints = [
            # Also the index behind "does this standard have a word starting with ...".
            models.UniqueConstraint(fields=["standard", "term"], name="unique_standard_term")
        ]
        indexes = [
            # Words starting with ..., and their standards, from the index alone.
            models.Index(fields=["term", "standard"], name="standard_term_prefix")
        ]

    def __str__(self) -> str:
        return self.term


class Association(models.Model):
    """A CASE ``CFAssociation`` of any type, kept as published.

    ``isChildOf`` gives the tree, ``precedes`` prerequisites (origin precedes destination).
    An end may lie outside Masterly (an ``exactMatchOf`` another publisher's item): its
    identifier and URI are kept and the foreign key is empty.
    """

    class Source(models.TextChoices):
        CASE = "case", "CASE package"
        PROGRESSIONS = "progressions", "Learning progressions file"

    class Type(models.TextChoices):
        IS_CHILD_OF = "isChildOf"
        PRECEDES = "precedes"
        IS_RELATED_TO = "isRelatedTo"
        EXACT_MATCH_OF = "exactMatchOf"
        IS_PEER_OF = "isPeerOf"
        IS_PART_OF = "isPartOf"
        REPLACED_BY = "replacedBy"
        EXEMPLAR = "exemplar"
        HAS_SKILL_LEVEL = "hasSkillLevel"
        IS_TRANSLATION_OF = "isTranslationOf"

    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="associations")
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.CASE)
    identifier = models.CharField(max_length=255)
    uri = models.CharField(max_length=1000, blank=True)
    # Not limited to Type: a publisher's extension type is kept rather than refused.
    association_type = models.CharField(max_length=100, db_index=True)
    sequence_number = models.IntegerField(null=True, blank=True)
    origin = models.ForeignKey(
        Standard, null=True, blank=True, on_delete=models.PROTECT, related_name="outgoing"
    )
    origin_identifier = models.CharField(max_length=255)
    origin_uri = models.CharField(max_length=1000, blank=True)
    origin_title = models.TextField(blank=True)
    destination = models.ForeignKey(
        Standard, null=True, blank=True, on_delete=models.PROTECT, related_name="incoming"
    )
    destination_identifier = models.CharField(max_length=255)
    destination_uri = models.CharField(max_length=1000, blank=True)
    destination_title = models.TextField(blank=True)
    last_change_date_time = models.DateTimeField(null=True, blank=True)
    extra = models.JSONField(default=dict, blank=True, help_text="Other CFAssociation fields.")
    retired_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "identifier"], name="unique_association_per_framework"
            )
        ]
        indexes = [
            models.Index(fields=["origin", "association_type"]),
            models.Index(fields=["destination", "association_type"]),
        ]

    def __str__(self) -> str:
        return f"{self.origin_identifier} {self.association_type} {self.destination_identifier}"


class CurriculumMap(models.Model):
    """An ordered list of units for a course, each an ordered list of standards."""

    class Scope(models.TextChoices):
        DISTRICT = "district", "District map"
        TEACHER = "teacher", "Teacher's own map"

    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    course = models.ForeignKey(
        "roster.Course", on_delete=models.PROTECT, related_name="curriculum_maps"
    )
    # The framework whose standards the map is built from (codes typed are looked up here).
    framework = models.ForeignKey(
        Framework, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    scope = models.CharField(max_length=20, choices=Scope.choices)
    # The teacher a teacher's map belongs to; empty for district maps.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="curriculum_maps",
    )
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(scope="district", owner__isnull=True)
                    | models.Q(scope="teacher", owner__isnull=False)
                ),
                name="curriculum_map_owner_matches_scope",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Unit(models.Model):
    curriculum_map = models.ForeignKey(
        CurriculumMap, on_delete=models.CASCADE, related_name="units"
    )
    title = models.CharField(max_length=200)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["curriculum_map_id", "position", "id"]

    def __str__(self) -> str:
        return self.title


class UnitStandard(models.Model):
    """A standard in a unit, in order; ``is_power`` flags a priority (power) standard."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="unit_standards")
    standard = models.ForeignKey(Standard, on_delete=models.PROTECT, related_name="unit_placements")
    position = models.PositiveIntegerField(default=0)
    is_power = models.BooleanField("power standard", default=False)

    class Meta:
        ordering = ["unit_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "standard"], name="unique_standard_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.standard_id} in unit {self.unit_id}"
