"""factory_boy factories for the roster; tests build their worlds from these."""

from __future__ import annotations

import datetime

import factory
from factory.django import DjangoModelFactory

from masterly.accounts.models import User
from masterly.roster.models import (
    AcademicSession,
    Course,
    Enrollment,
    GuardianLink,
    Org,
    Role,
    RoleAssignment,
    Section,
    SectionTerm,
)

PASSWORD = "correct-horse-battery"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    sourced_id = factory.LazyAttribute(lambda u: f"u-{u.username}")
    password = factory.django.Password(PASSWORD)


class OrgFactory(DjangoModelFactory):
    class Meta:
        model = Org

    sourced_id = factory.Sequence(lambda n: f"org-{n}")
    name = factory.Sequence(lambda n: f"School {n}")
    type = Org.Type.SCHOOL


class SchoolYearFactory(DjangoModelFactory):
    class Meta:
        model = AcademicSession

    sourced_id = factory.Sequence(lambda n: f"sy-{n}")
    title = "2026-2027"
    type = AcademicSession.Type.SCHOOL_YEAR
    start_date = datetime.date(2026, 8, 1)
    end_date = datetime.date(2027, 6, 30)
    school_year = 2027


class TermFactory(SchoolYearFactory):
    sourced_id = factory.Sequence(lambda n: f"term-{n}")
    title = "Fall 2026"
    type = AcademicSession.Type.TERM
    end_date = datetime.date(2026, 12, 31)


class CourseFactory(DjangoModelFactory):
    class Meta:
        model = Course

    sourced_id = factory.Sequence(lambda n: f"course-{n}")
    title = "Math 6"
    org = factory.SubFactory(OrgFactory)


class SectionFactory(DjangoModelFactory):
    class Meta:
        model = Section
        skip_postgeneration_save = True  # terms() saves what it changes itself

    sourced_id = factory.Sequence(lambda n: f"class-{n}")
    title = factory.Sequence(lambda n: f"Math 6 - Period {n}")
    course = factory.SubFactory(CourseFactory)
    school = factory.SelfAttribute("course.org")

    @factory.post_generation
    def terms(self, create: bool, extracted: list[AcademicSession] | None, **kwargs: object):
        for term in extracted or []:
            SectionTerm.objects.create(section=self, term=term)
        if extracted:
            self.ends_on = max(term.end_date for term in extracted)
            self.save(update_fields=["ends_on"])


class EnrollmentFactory(DjangoModelFactory):
    class Meta:
        model = Enrollment

    sourced_id = factory.Sequence(lambda n: f"enr-{n}")
    user = factory.SubFactory(UserFactory)
    section = factory.SubFactory(SectionFactory)
    role = Enrollment.Role.STUDENT


class RoleAssignmentFactory(DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)
    role = Role.TEACHER
    org = factory.SubFactory(OrgFactory)


class GuardianLinkFactory(DjangoModelFactory):
    class Meta:
        model = GuardianLink

    guardian = factory.SubFactory(UserFactory)
    student = factory.SubFactory(UserFactory)
