"""Every column the OneRoster 1.1 or 1.2 CSV binding requires in a file's header is required:
a header without one is refused naming the file and the column, and nothing changes (not even
the files read before it)."""

from __future__ import annotations

import pytest

from masterly.integrations.oneroster.binding import REQUIRED_COLUMNS
from masterly.integrations.oneroster.errors import RosterImportRejected
from masterly.integrations.oneroster.rows import (
    AcademicSessionRow,
    ClassRow,
    CourseRow,
    DemographicRow,
    EnrollmentRow,
    OrgRow,
    RoleRow,
    Row,
    UserRow,
    UserRowV11,
)
from tests.oneroster.builders import RosterSet, district, snapshot, with_demographics

pytestmark = pytest.mark.django_db

EVERY_REQUIRED_COLUMN = [
    pytest.param(version, filename, column, id=f"{version}-{filename}-{column}")
    for version, files in REQUIRED_COLUMNS.items()
    for filename, columns in files.items()
    for column in columns
]


def drop_column(roster: RosterSet, filename: str, column: str) -> None:
    header, rows = roster.files[filename]
    roster.files[filename] = ([name for name in header if name != column], rows)


def manifest_without(roster: RosterSet, column: str) -> bytes:
    """The manifest's rows under a header that names the column otherwise."""
    other = {"propertyName": "property", "value": "setting"}[column]
    header = ["propertyName", "value"]
    header[header.index(column)] = other
    lines = [",".join(header), *(f"{name},{value}" for name, value in roster.manifest.items())]
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.parametrize(("version", "filename", "column"), EVERY_REQUIRED_COLUMN)
def test_a_header_without_a_required_column_is_refused_and_nothing_changes(
    import_set, version, filename, column
):
    import_set(district(version))
    before = snapshot()
    roster = district(version)
    # A change in the first file read: were the import partial, it would show.
    roster.add("orgs.csv", sourcedId="s3", name="Cedar Middle", type="school", parentSourcedId="d1")
    if filename == "demographics.csv":  # optional: the builder's sets leave it out
        with_demographics(roster, [{"sourcedId": "st1", "sex": "female"}])
    overrides = {}
    if filename == "manifest.csv":
        overrides["manifest.csv"] = manifest_without(roster, column)
    else:
        drop_column(roster, filename, column)

    with pytest.raises(RosterImportRejected) as refusal:
        import_set(roster, overrides=overrides)

    assert [str(error) for error in refusal.value.errors] == [
        f"{filename}, line 1, column {column}: the required column “{column}” is missing from "
        "the header. Add it (spelled exactly so, in the first line) and import again."
    ]
    assert snapshot() == before


def test_the_builders_sets_have_every_required_column():
    for version in REQUIRED_COLUMNS:
        roster = with_demographics(district(version), [])
        for filename, (header, _) in roster.files.items():
            missing = set(REQUIRED_COLUMNS[version][filename]) - set(header)
            assert not missing, (version, filename, missing)


ROW_MODELS: dict[str, dict[str, type[Row]]] = {
    "1.1": {
        "orgs.csv": OrgRow,
        "academicSessions.csv": AcademicSessionRow,
        "courses.csv": CourseRow,
        "classes.csv": ClassRow,
        "users.csv": UserRowV11,
        "enrollments.csv": EnrollmentRow,
        "demographics.csv": DemographicRow,
    },
    "1.2": {
        "orgs.csv": OrgRow,
        "academicSessions.csv": AcademicSessionRow,
        "courses.csv": CourseRow,
        "classes.csv": ClassRow,
        "users.csv": UserRow,
        "roles.csv": RoleRow,
        "enrollments.csv": EnrollmentRow,
        "demographics.csv": DemographicRow,
    },
}


@pytest.mark.parametrize("version", ["1.1", "1.2"])
def test_a_row_never_needs_a_column_the_binding_leaves_optional(version):
    """Else a file without that optional column would fail row by row instead of importing."""
    for filename, model in ROW_MODELS[version].items():
        needed = {
            info.alias or name for name, info in model.model_fields.items() if info.is_required()
        }
        assert needed <= set(REQUIRED_COLUMNS[version][filename]), (filename, needed)
