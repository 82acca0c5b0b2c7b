"""demographics.csv (OneRoster 1.1 and 1.2) gives students their groups; a bad file is refused
naming file, line and column, and changes nothing."""

from __future__ import annotations

import pytest

from masterly.accounts.models import User
from masterly.integrations.oneroster import context
from masterly.integrations.oneroster.errors import RosterImportRejected
from masterly.roster.models import Section, StudentGroupMembership
from masterly.trackers.models import Tracker
from tests.assessment_factories import StandardFactory, make_tracker
from tests.oneroster.builders import district, snapshot, with_demographics

pytestmark = pytest.mark.django_db


def groups() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for sid, group in StudentGroupMembership.objects.values_list("student__sourced_id", "group"):
        found.setdefault(sid, set()).add(group)
    return found


def demographics(**by_student: dict[str, str]) -> list[dict[str, str]]:
    return [{"sourcedId": sid, **values} for sid, values in by_student.items()]


@pytest.mark.parametrize("version", ["1.1", "1.2"])
def test_a_students_groups_come_from_their_demographics_row(import_set, version):
    roster = with_demographics(
        district(version),
        demographics(
            st1={"birthDate": "2014-03-02", "sex": "female", "asian": "true", "white": "false"},
            st2={
                "sex": "Male",
                "white": "true",
                "blackOrAfricanAmerican": "TRUE",
                "hispanicOrLatinoEthnicity": "true",
            },
        ),
    )
    summary = import_set(roster)

    # Two races count as "two or more" only; Hispanic or Latino is counted besides race.
    assert groups() == {
        "st1": {"sex:female", "race:asian"},
        "st2": {"sex:male", "race:two_or_more", "hispanic_or_latino"},
    }
    entry = next(f for f in summary.files if f.file == "demographics.csv")
    assert entry.counts.created == 5
    assert StudentGroupMembership.objects.filter(source="oneroster").count() == 5


def test_the_file_is_the_whole_truth_and_leaves_program_groups_alone(import_set):
    import_set(
        with_demographics(
            district(), demographics(st1={"sex": "female"}, st2={"sex": "male", "asian": "true"})
        )
    )
    st1 = StudentGroupMembership.objects.get(group="sex:female").student
    StudentGroupMembership.objects.create(student=st1, group="program:iep", source="programs")

    # st1 is now "other" and st2 is no longer listed: st2 loses their groups.
    summary = import_set(with_demographics(district(), demographics(st1={"sex": "other"})))

    assert groups() == {"st1": {"sex:other", "program:iep"}}
    entry = next(f for f in summary.files if f.file == "demographics.csv")
    assert (entry.counts.created, entry.counts.deactivated) == (1, 3)


def test_a_row_to_be_deleted_clears_the_students_groups(import_set):
    import_set(with_demographics(district(), demographics(st1={"sex": "female"})))
    import_set(
        with_demographics(district(), demographics(st1={"sex": "female", "status": "tobedeleted"}))
    )
    assert groups() == {}


def test_without_the_file_groups_stay_as_they_are(import_set):
    import_set(with_demographics(district(), demographics(st1={"asian": "true"})))
    import_set(district())  # demographics absent from the manifest
    assert groups() == {"st1": {"race:asian"}}


def test_only_students_get_groups_and_nothing_else_is_stored(import_set):
    import_set(with_demographics(district(), demographics(t1={"sex": "female"})))
    assert groups() == {}


@pytest.fixture
def before(import_set):
    import_set(with_demographics(district(), demographics(st1={"sex": "female"})))
    return snapshot()


def rejected(import_set, rows) -> list[str]:
    with pytest.raises(RosterImportRejected) as refusal:
        import_set(with_demographics(district(), rows))
    return [str(error) for error in refusal.value.errors]


def test_a_value_that_is_not_true_or_false_is_named(import_set, before):
    assert rejected(import_set, demographics(st1={"asian": "yes"}, st2={"white": "1"})) == [
        "demographics.csv, line 2, column asian: “yes” is not true or false. Write true or false.",
        "demographics.csv, line 3, column white: “1” is not true or false. Write true or false.",
    ]
    assert snapshot() == before


def test_an_unknown_sourced_id_is_named(import_set, before):
    assert rejected(import_set, demographics(st1={}, nobody={"sex": "male"})) == [
        "demographics.csv, line 3, column sourcedId: “nobody” is not a user in users.csv or "
        "already in Masterly. Add it to users.csv, or correct the id."
    ]
    assert snapshot() == before


def test_a_bad_birth_date_is_named(import_set, before):
    assert rejected(import_set, demographics(st1={"birthDate": "03/02/2014"})) == [
        "demographics.csv, line 2, column birthDate: “03/02/2014” is not a date. Write dates as "
        "YYYY-MM-DD, for example 2026-08-15."
    ]
    assert snapshot() == before


def test_a_bad_sex_and_a_repeated_student_are_named(import_set, before):
    rows = [{"sourcedId": "st1", "sex": "f"}, {"sourcedId": "st2"}, {"sourcedId": "st2"}]
    assert rejected(import_set, rows) == [
        "demographics.csv, line 2, column sex: “f” is not one of the allowed values: male, "
        "female, other, unspecified.",
        "demographics.csv, line 4, column sourcedId: sourcedId “st2” is also on line 3. Each "
        "row needs its own sourcedId: remove the repeated row or give it a new id.",
    ]
    assert snapshot() == before


def test_a_missing_sourced_id_column_is_named(import_set, before):
    roster = with_demographics(district(), demographics(st1={"sex": "female"}))
    header, rows = roster.files["demographics.csv"]
    roster.files["demographics.csv"] = ([c for c in header if c != "sourcedId"], rows)
    with pytest.raises(RosterImportRejected) as refusal:
        import_set(roster)
    assert [str(e) for e in refusal.value.errors] == [
        "demographics.csv, line 1, column sourcedId: the required column “sourcedId” is missing "
        "from the header. Add it (spelled exactly so, in the first line) and import again."
    ]
    assert snapshot() == before


def test_a_student_repeated_in_a_later_chunk_is_named(import_set, before, monkeypatch):
    monkeypatch.setattr(context, "CHUNK_SIZE", 1)
    assert rejected(import_set, [{"sourcedId": "st1"}, {"sourcedId": "st1", "sex": "male"}]) == [
        "demographics.csv, line 3, column sourcedId: sourcedId “st1” is also on line 2. Each "
        "person's demographics go on one row: remove the repeated row."
    ]
    assert snapshot() == before


def test_an_import_that_changes_groups_marks_the_dashboards_counts_stale(import_set):
    # Every dashboard count is split by enrollment and group: an import that changes either
    # sends every tracker's counts to be rebuilt; the same files again change nothing.
    roster = with_demographics(district(), demographics(st1={"sex": "female"}))
    import_set(roster)
    tracker = make_tracker(
        User.objects.get(sourced_id="t1"), [Section.objects.first()], [StandardFactory()]
    )
    Tracker.objects.update(counts_stale=False)

    import_set(roster)
    assert not Tracker.objects.get(pk=tracker.pk).counts_stale

    import_set(with_demographics(district(), demographics(st1={"sex": "male"})))
    assert Tracker.objects.get(pk=tracker.pk).counts_stale
