"""Bad OneRoster files are refused with a message naming file, line and column, and the
database stays exactly as it was (the whole import is one transaction)."""

from __future__ import annotations

import pytest

from masterly.integrations.oneroster import context
from masterly.integrations.oneroster.errors import MAX_ERRORS, RosterImportRejected
from tests.oneroster.builders import district, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def before(import_set):
    """A district already imported: a bad import must leave every row of it as it is."""
    import_set(district())
    return snapshot()


def rejected(import_set, roster, **kw) -> list[str]:
    with pytest.raises(RosterImportRejected) as refusal:
        import_set(roster, **kw)
    return [str(error) for error in refusal.value.errors]


def test_a_missing_required_column_is_named(import_set, before):
    roster = district()
    header, rows = roster.files["users.csv"]
    roster.files["users.csv"] = ([c for c in header if c != "givenName"], rows)

    assert rejected(import_set, roster) == [
        "users.csv, line 1, column givenName: the required column “givenName” is missing from "
        "the header. Add it (spelled exactly so, in the first line) and import again."
    ]
    assert snapshot() == before


def test_an_enrollment_of_an_unknown_user_is_named(import_set, before):
    roster = district()
    roster.row("enrollments.csv", "e3")["userSourcedId"] = "nobody"

    assert rejected(import_set, roster) == [
        "enrollments.csv, line 4, column userSourcedId: “nobody” is not a user in users.csv or "
        "already in Masterly. Add it to users.csv, or correct the id."
    ]
    assert snapshot() == before


def test_a_class_of_an_unknown_course_is_named(import_set, before):
    roster = district()
    roster.row("classes.csv", "k2")["courseSourcedId"] = "c99"

    # Its enrollment is not reported again: the class already has its message.
    assert rejected(import_set, roster) == [
        "classes.csv, line 3, column courseSourcedId: “c99” is not a course in courses.csv or "
        "already in Masterly. Add it to courses.csv, or correct the id."
    ]
    assert snapshot() == before


def test_a_malformed_date_is_named(import_set, before):
    roster = district()
    roster.row("enrollments.csv", "e1")["beginDate"] = "2026-13-01"

    assert rejected(import_set, roster) == [
        "enrollments.csv, line 2, column beginDate: “2026-13-01” is not a date. Write dates as "
        "YYYY-MM-DD, for example 2026-08-15."
    ]
    assert snapshot() == before


def test_a_duplicate_sourced_id_within_a_file_is_named(import_set, before):
    roster = district()
    roster.add(
        "users.csv",
        sourcedId="t1",
        enabledUser="true",
        username="other",
        givenName="Otto",
        familyName="Other",
    )

    assert rejected(import_set, roster) == [
        "users.csv, line 9, column sourcedId: sourcedId “t1” is also on line 2. Each row needs "
        "its own sourcedId: remove the repeated row or give it a new id."
    ]
    assert snapshot() == before


def test_a_duplicate_sourced_id_in_a_later_chunk_is_named(import_set, before, monkeypatch):
    monkeypatch.setattr(context, "CHUNK_SIZE", 2)
    roster = district()
    roster.add("orgs.csv", sourcedId="s1", name="Adams Again", type="school")

    assert rejected(import_set, roster) == [
        "orgs.csv, line 5, column sourcedId: sourcedId “s1” is also on an earlier line of this "
        "file. Each row needs its own sourcedId: remove the repeated row or give it a new id."
    ]
    assert snapshot() == before


def test_a_file_that_is_not_utf8_is_named_with_its_line(import_set, before):
    roster = district()
    roster.row("users.csv", "st1")["familyName"] = "Adàms"
    latin1 = roster.text("users.csv").encode("latin-1")

    assert rejected(import_set, roster, overrides={"users.csv": latin1}) == [
        "users.csv, line 3: the file is not UTF-8 text (byte 0xe0 cannot be read). Save or "
        "export it as UTF-8 (in a spreadsheet: “CSV UTF-8”) and import again."
    ]
    assert snapshot() == before


def test_a_zip_without_a_manifest_is_refused(import_set, before):
    assert rejected(import_set, district(), overrides={"manifest.csv": None}) == [
        "manifest.csv: set1.zip has no manifest.csv. A OneRoster CSV set always has one beside "
        "orgs.csv and users.csv, saying the version and which files are in the set; export the "
        "whole set again from your student information system."
    ]
    assert snapshot() == before


def test_a_file_that_is_not_a_zip_is_refused(tmp_path, before):
    from masterly.integrations.oneroster.source import open_source

    path = tmp_path / "rosters.zip"
    path.write_text("sourcedId,name\n")
    with pytest.raises(RosterImportRejected) as refusal, open_source(path):
        pass
    assert str(refusal.value.errors[0]) == (
        "rosters.zip: is not a .zip file. Give a .zip of the OneRoster CSV files (manifest.csv, "
        "orgs.csv, users.csv, …) or the folder that holds them."
    )
    assert snapshot() == before


def test_several_problems_are_reported_together(import_set, before):
    roster = district()
    roster.row("orgs.csv", "s2")["type"] = "campus"
    roster.row("users.csv", "g1")["enabledUser"] = "yes"
    roster.row("users.csv", "st2")["username"] = "tbaker"
    roster.row("enrollments.csv", "e1")["endDate"] = "30/06/2027"

    assert rejected(import_set, roster) == [
        "orgs.csv, line 4, column type: “campus” is not one of the allowed values: district, "
        "school, department, local, state, national.",
        "users.csv, line 4, column username: username “tbaker” is also on line 2. Every person "
        "needs their own username: change one of them.",
        "users.csv, line 5, column enabledUser: “yes” is not true or false. Write true or false.",
        "enrollments.csv, line 2, column endDate: “30/06/2027” is not a date. Write dates as "
        "YYYY-MM-DD, for example 2026-08-15.",
    ]
    assert snapshot() == before


def test_a_username_taken_by_someone_else_is_named(import_set, before):
    roster = district()
    roster.row("users.csv", "st2")["username"] = "gadams"  # g1's, imported before
    roster.drop("users.csv", "g1")

    assert rejected(import_set, roster)[0] == (
        "users.csv, line 4, column username: username “gadams” already belongs to the user with "
        "sourcedId “g1”. Every person needs their own username: change one of them."
    )
    assert snapshot() == before


def test_reading_stops_after_the_maximum_number_of_problems(import_set, before):
    roster = district()
    for n in range(MAX_ERRORS + 10):
        roster.add("courses.csv", sourcedId=f"bad{n}", title="Bad", orgSourcedId="nowhere")

    problems = rejected(import_set, roster)

    assert len(problems) == MAX_ERRORS
    assert problems[0].startswith("courses.csv, line 4, column orgSourcedId: “nowhere”")
    assert snapshot() == before


def test_a_row_with_an_unquoted_comma_is_named(import_set, before):
    roster = district()
    text = roster.text("orgs.csv").replace("Brooks Middle", "Brooks, Middle")

    assert rejected(import_set, roster, overrides={"orgs.csv": text.encode()}) == [
        "orgs.csv, line 4: this row has 8 values but the header names 7 columns. A value that "
        "holds a comma must be written in double quotes."
    ]
    assert snapshot() == before


def test_an_empty_required_value_is_named(import_set, before):
    roster = district()
    roster.row("courses.csv", "c7")["title"] = "  "

    assert rejected(import_set, roster) == [
        "courses.csv, line 3, column title: title is empty, but every row needs a value here. "
        "Fill it in."
    ]
    assert snapshot() == before


def test_a_term_ending_before_it_starts_is_named(import_set, before):
    roster = district()
    roster.row("academicSessions.csv", "fall")["endDate"] = "2026-07-01"

    assert rejected(import_set, roster) == [
        "academicSessions.csv, line 3, column endDate: 2026-07-01 is before the startDate "
        "2026-08-01. Check the two dates."
    ]
    assert snapshot() == before


def test_an_unknown_guardian_in_agent_sourced_ids_is_named(import_set, before):
    roster = district()
    roster.row("users.csv", "st1")["agentSourcedIds"] = "g1,ghost"

    assert rejected(import_set, roster) == [
        "users.csv, line 3, column agentSourcedIds: “ghost” is not a user in users.csv or "
        "already in Masterly. Add it to users.csv, or correct the id."
    ]
    assert snapshot() == before


def test_problems_are_listed_file_by_file_in_line_order(import_set, before):
    roster = district()
    roster.row("enrollments.csv", "e1")["userSourcedId"] = "nobody"  # found when resolving
    roster.row("enrollments.csv", "e3")["endDate"] = "soon"  # found first, when parsing

    problems = rejected(import_set, roster)

    assert [p.split(":")[0] for p in problems] == [
        "enrollments.csv, line 2, column userSourcedId",
        "enrollments.csv, line 4, column endDate",
    ]
    assert snapshot() == before
