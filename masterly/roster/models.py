"""Who teaches and learns where: OneRoster's concepts, with their sourcedIds kept for re-sync.

Records are never deleted: a row gone from a bulk import is deactivated (``is_active=False``)
so the history that points at it stays.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import models


class LiveImport(models.Model):
    """An import whose rows inserted ahead are live (ADR 33): the apply makes a whole import
    visible by inserting its token here, one row, however many enrollments, roles and links
    it brought. Its rows are then unmarked in short batches and the row removed."""

    token = models.BigIntegerField(unique=True)
    made_live_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"import {self.token}"


def visible_q(prefix: str = "") -> models.Q:
    """A row is visible unless an import inserted it ahead and has not been applied yet."""
    return models.Q(**{f"{prefix}import_pending__isnull": True}) | models.Q(
        **{f"{prefix}import_pending__in": LiveImport.objects.values("token")}
    )


class VisibleManager(models.Manager[Any]):
    """The default manager of the tables an import inserts ahead *active* (enrollments, roles,
    guardian links): every ORM read, related managers and the admin included, skips the rows
    of an import that is not applied yet. Joins through them (``enrollments__…``) add
    ``visible_q("enrollments__")`` themselves."""

    def get_queryset(self) -> models.QuerySet[Any]:
        return super().get_queryset().filter(visible_q())


class SourcedRecord(models.Model):
    """What every imported roster record carries."""

    sourced_id = models.CharField(max_length=255, unique=True)
    is_active = models.BooleanField(default=True)
    # Hash of the imported row: re-importing an unchanged row costs no write.
    source_hash = models.CharField(max_length=32, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The token of the import that inserted this row ahead of its apply; NULL for every live
    # row. Orgs, sessions, courses, sections and users are inserted inactive and made active
    # by the apply (ADR 17); enrollments are inserted active and hidden until the token is a
    # ``LiveImport`` (ADR 33).
    import_pending = models.BigIntegerField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True


class Org(SourcedRecord):
    class Type(models.TextChoices):
        DISTRICT = "district", "District"
        SCHOOL = "school", "School"
        DEPARTMENT = "department", "Department"
        LOCAL = "local", "Local"
        STATE = "state", "State"
        NATIONAL = "national", "National"

    name = models.CharField(max_length=255)
    type = models.CharField(max_length=20, choices=Type.choices)
    identifier = models.CharField(max_length=255, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AcademicSession(SourcedRecord):
    """A school year, semester, term or grading period."""

    class Type(models.TextChoices):
        SCHOOL_YEAR = "schoolYear", "School year"
        SEMESTER = "semester", "Semester"
        TERM = "term", "Term"
        GRADING_PERIOD = "gradingPeriod", "Grading period"

    title = models.CharField(max_length=255)
    type = models.CharField(max_length=20, choices=Type.choices)
    start_date = models.DateField()
    end_date = models.DateField()
    school_year = models.PositiveIntegerField(help_text="The year the school year ends in.")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    org = models.ForeignKey(Org, null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        ordering = ["start_date", "title"]

    def __str__(self) -> str:
        return self.title

    def is_current(self, today: datetime.date) -> bool:
        return self.start_date <= today <= self.end_date


class Course(SourcedRecord):
    title = models.CharField(max_length=255)
    course_code = models.CharField(max_length=100, blank=True)
    grades = models.CharField(max_length=100, blank=True)
    subjects = models.CharField(max_length=255, blank=True)
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="courses")
    school_year = models.ForeignKey(
        AcademicSession, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class Section(SourcedRecord):
    """A class: a course taught to a group of students in one or more terms."""

    title = models.CharField(max_length=255)
    class_code = models.CharField(max_length=100, blank=True)
    class_type = models.CharField(max_length=20, default="scheduled")
    location = models.CharField(max_length=255, blank=True)
    grades = models.CharField(max_length=100, blank=True)
    subjects = models.CharField(max_length=255, blank=True)
    periods = models.CharField(max_length=100, blank=True)
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sections")
    school = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="sections")
    terms = models.ManyToManyField(AcademicSession, through="SectionTerm", related_name="sections")
    # The last day of its last term, kept so "current or archived" is one indexed comparison.
    ends_on = models.DateField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def is_archived(self, today: datetime.date) -> bool:
        return not self.is_active or (self.ends_on is not None and self.ends_on < today)


class SectionTerm(models.Model):
    section = models.ForeignKey(Section, on_delete=models.CASCADE)
    term = models.ForeignKey(AcademicSession, on_delete=models.PROTECT)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["section", "term"], name="unique_section_term")
        ]

    def __str__(self) -> str:
        return f"{self.section_id} in {self.term_id}"


class Enrollment(SourcedRecord):
    class Role(models.TextChoices):
        STUDENT = "student", "Student"
        TEACHER = "teacher", "Teacher"
        AIDE = "aide", "Aide"
        ADMINISTRATOR = "administrator", "Administrator"
        PROCTOR = "proctor", "Proctor"
        GUARDIAN = "guardian", "Guardian"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="enrollments"
    )
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="enrollments")
    role = models.CharField(max_length=20, choices=Role.choices)
    is_primary = models.BooleanField(default=False)
    begin_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)

    objects = VisibleManager()

    class Meta:
        indexes = [
            models.Index(fields=["section", "role", "is_active"]),
            models.Index(fields=["user", "role", "is_active"]),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.role} in {self.section_id}"


class Role(models.TextChoices):
    """Masterly's roles; each assignment is scoped to an org (a district or a school)."""

    DISTRICT_ADMIN = "district_admin", "District admin"
    SCHOOL_LEADER = "school_leader", "School leader"
    TEACHER = "teacher", "Teacher"
    STUDENT = "student", "Student"
    GUARDIAN = "guardian", "Parent / guardian"


class RoleAssignment(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="role_assignments")
    is_primary = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    import_pending = models.BigIntegerField(null=True, blank=True, editable=False)  # as above

    objects = VisibleManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "org"], name="unique_role_per_org")
        ]
        indexes = [models.Index(fields=["org", "role", "is_active"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.role} at {self.org_id}"


class GuardianLink(models.Model):
    """A parent or guardian and a child whose data they may see."""

    guardian = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="children_links"
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="guardian_links"
    )
    relationship = models.CharField(max_length=40, blank=True)
    is_active = models.BooleanField(default=True)
    import_pending = models.BigIntegerField(null=True, blank=True, editable=False)  # as above

    objects = VisibleManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["guardian", "student"], name="unique_guardian_link")
        ]

    def __str__(self) -> str:
        return f"{self.guardian_id} guardian of {self.student_id}"


class StudentGroupMembership(models.Model):
    """A student's membership of one reporting group (a key of ``masterly.roster.groups.GROUPS``).

    Only the group is kept, not the answer it came from (no birth date, no raw demographic
    row): dashboards need nothing more, and less stored is less to leak (ADR 22).
    """

    class Source(models.TextChoices):
        ONEROSTER = "oneroster", "OneRoster demographics"
        PROGRAMS = "programs", "Program flags upload"

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="group_memberships"
    )
    # 64, not 40: the longest key (race:native_hawaiian_or_other_pacific_islander) is 46.
    group = models.CharField(max_length=64)
    source = models.CharField(max_length=20, choices=Source.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["student", "group"], name="unique_student_group")
        ]
        indexes = [models.Index(fields=["group", "student"], name="roster_group_student_idx")]

    def __str__(self) -> str:
        return f"{self.student_id} in {self.group}"
