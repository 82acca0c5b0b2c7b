"""The mass-deactivation guard: a bulk set that would retire much of the district is refused
(nothing changed) unless an admin confirms it; a new school year's rollover passes."""

from __future__ import annotations

import pytest

from masterly.accounts.models import User
from masterly.integrations.oneroster.errors import MassDeactivationRefused
from masterly.roster.models import Enrollment, Section
from tests.oneroster.builders import district, snapshot, with_students

pytestmark = pytest.mark.django_db

# district() has 7 people and 3 enrollments; 20 more students (10 with a guardian) make
# 37 people and 23 enrollments in classes whose terms run until June 2027.
PEOPLE, ENROLLMENTS = 37, 23


def bigger_district():
    return with_students(district(), 20)


def header_only_users():
    """users.csv with only its header; roles and enrollments not in the set at all."""
    roster = bigger_district()
    roster.files["users.csv"] = (roster.files["users.csv"][0], [])
    for name, key in (("roles.csv", "file.roles"), ("enrollments.csv", "file.enrollments")):
        del roster.files[name]
        roster.manifest[key] = "absent"
    return roster


def test_a_users_file_with_only_its_header_is_refused_and_changes_nothing(import_set):
    import_set(bigger_district())
    before = snapshot()

    with pytest.raises(MassDeactivationRefused) as refused:
        import_set(header_only_users())

    (problem,) = refused.value.errors
    assert problem.file == "users.csv"
    assert problem.message.split("; for example")[0] == (
        f"this import would deactivate {PEOPLE} of the {PEOPLE} active people (100\u00a0%; "
        "the limit is 20\u00a0%, ONEROSTER_MAX_DEACTIVATION_SHARE): 22 of 22 students, 1 of 1 "
        "teacher, 12 of 12 parents and guardians, 1 of 1 school leader, 1 of 1 district admin"
    )
    assert " and 34 more. Nothing was changed." in problem.message
    assert "--allow-mass-deactivation" in problem.message
    assert refused.value.numbers == {"share": 0.2, "people": [PEOPLE, PEOPLE]}
    assert snapshot() == before
    assert User.objects.get(sourced_id="adm1").is_active  # the admin running it, too


def test_confirmed_the_same_file_deactivates_every_imported_person(import_set):
    import_set(bigger_district())

    summary = import_set(header_only_users(), allow_mass_deactivation=True)

    assert {f.label: f.counts for f in summary.files}["users.csv"].deactivated == PEOPLE
    assert not User.objects.filter(sourced_id__isnull=False, is_active=True).exists()


@pytest.mark.parametrize(("disabled", "refused"), [(7, False), (8, True)])
def test_the_share_is_a_fifth_of_the_active_people(import_set, disabled, refused):
    import_set(bigger_district())
    roster = bigger_district()
    for n in range(disabled):  # 7/37 is 18.9 %, 8/37 is 21.6 %
        roster.row("users.csv", f"xst{n}")["enabledUser"] = "false"

    if refused:
        with pytest.raises(MassDeactivationRefused) as error:
            import_set(roster)
        assert error.value.numbers["people"] == [8, PEOPLE]
        assert User.objects.filter(is_active=True).count() == PEOPLE
    else:
        summary = import_set(roster)
        assert sum(f.counts.deactivated for f in summary.files) == 7
        assert User.objects.filter(is_active=True).count() == PEOPLE - 7


def test_the_share_comes_from_the_environment(import_set, settings):
    import_set(bigger_district())
    settings.ONEROSTER_MAX_DEACTIVATION_SHARE = 0.1
    roster = bigger_district()
    for n in range(4):  # 4/37 is 10.8 %
        roster.row("users.csv", f"xst{n}")["enabledUser"] = "false"

    with pytest.raises(MassDeactivationRefused, match="problem"):
        import_set(roster)


def test_dropping_a_third_of_the_current_enrollments_is_refused(import_set):
    import_set(bigger_district())
    roster = bigger_district()
    for n in range(8):  # 8 of 23 enrollments in classes that have not ended
        roster.drop("enrollments.csv", f"xe{n}")
    before = snapshot()

    with pytest.raises(MassDeactivationRefused) as refused:
        import_set(roster)

    (problem,) = refused.value.errors
    assert problem.file == "enrollments.csv"
    assert problem.message.startswith(
        f"this import would deactivate 8 of the {ENROLLMENTS} enrollments in classes that have "
        "not ended (35\u00a0%; the limit is 20\u00a0%, ONEROSTER_MAX_DEACTIVATION_SHARE): 8 of "
        "22 student enrollments; for example Kim Student 0 in Math 6 - Period 1, Kim Student 1 "
        "in Math 6 - Period 1, Kim Student 2 in Math 6 - Period 1 and 5 more. Nothing was "
        "changed."
    )
    assert snapshot() == before
    import_set(roster, allow_mass_deactivation=True)
    assert Enrollment.objects.filter(is_active=False).count() == 8


def last_year():
    """The district a year earlier: the same people, classes k1 and k2 in 2025-26's terms."""
    roster = bigger_district()
    for session in roster.rows("academicSessions.csv"):
        year = int(session["startDate"][:4]) - 1
        session["startDate"] = f"{year}{session['startDate'][4:]}"
        end = int(session["endDate"][:4]) - 1
        session["endDate"] = f"{end}{session['endDate'][4:]}"
        session["schoolYear"] = str(int(session["schoolYear"]) - 1)
        session["sourcedId"] = f"old-{session['sourcedId']}"
        if session.get("parentSourcedId"):
            session["parentSourcedId"] = f"old-{session['parentSourcedId']}"
    for course in roster.rows("courses.csv"):
        if course.get("schoolYearSourcedId"):
            course["schoolYearSourcedId"] = f"old-{course['schoolYearSourcedId']}"
    for section in roster.rows("classes.csv"):
        section["sourcedId"] = f"old-{section['sourcedId']}"
        terms = section["termSourcedIds"].split(",")
        section["termSourcedIds"] = ",".join(f"old-{term}" for term in terms)
    for enrollment in roster.rows("enrollments.csv"):
        enrollment["sourcedId"] = f"old-{enrollment['sourcedId']}"
        enrollment["classSourcedId"] = f"old-{enrollment['classSourcedId']}"
        enrollment.pop("beginDate", None)
        enrollment.pop("endDate", None)
    return roster


def test_a_new_school_years_export_retires_last_years_classes_and_passes(import_set):
    import_set(last_year())
    assert Section.objects.get(sourced_id="old-k1").ends_on.year == 2026  # ended in June

    summary = import_set(bigger_district())  # this year's export: no old classes in it

    counts = {f.label: f.counts for f in summary.files}
    assert counts["classes.csv"].deactivated == 2
    assert counts["enrollments.csv"].deactivated == ENROLLMENTS
    assert counts["enrollments.csv"].created == ENROLLMENTS
    assert not Enrollment.objects.filter(sourced_id__startswith="old-", is_active=True).exists()
    assert Enrollment.objects.filter(is_active=True).count() == ENROLLMENTS
    assert User.objects.filter(is_active=True).count() == PEOPLE
