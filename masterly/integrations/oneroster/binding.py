"""The columns each OneRoster CSV binding marks required, file by file, version by version.

A file whose header lacks one of these is refused, naming the file and the column, even where
Masterly does not read the column: without it the file is not a OneRoster file of its version.
These are the columns whose "Required" is "Yes" in the binding's table for the file. Whether a
row may leave the value empty is ``rows.py``'s business: where an empty value has one sensible
reading (``enabledUser`` → true, ``classType`` → scheduled, ``roleType`` → primary,
``username`` → the sourcedId), the row is read so rather than refused.
"""

from __future__ import annotations

MANIFEST_COLUMNS = ("propertyName", "value")

# The same in both versions.
_ORGS = ("sourcedId", "name", "type")
_SESSIONS = ("sourcedId", "title", "type", "startDate", "endDate", "schoolYear")
_COURSES = ("sourcedId", "title", "orgSourcedId")
_CLASSES = (
    "sourcedId",
    "title",
    "courseSourcedId",
    "classType",
    "schoolSourcedId",
    "termSourcedIds",
)
_ENROLLMENTS = ("sourcedId", "classSourcedId", "schoolSourcedId", "userSourcedId", "role")
# Every other column of demographics.csv (birthDate, sex, the race flags, …) is optional.
_DEMOGRAPHICS = ("sourcedId",)

REQUIRED_COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    # 1EdTech OneRoster v1.1 CSV Tables (Final Release 1.1; unchanged in 1.1.1), section 3.
    "1.1": {
        "manifest.csv": MANIFEST_COLUMNS,
        "orgs.csv": _ORGS,
        "academicSessions.csv": _SESSIONS,
        "courses.csv": _COURSES,
        "classes.csv": _CLASSES,
        "users.csv": (
            "sourcedId",
            "enabledUser",
            "orgSourcedIds",
            "role",
            "username",
            "givenName",
            "familyName",
        ),
        "enrollments.csv": _ENROLLMENTS,
        "demographics.csv": _DEMOGRAPHICS,
    },
    # 1EdTech OneRoster v1.2 CSV Binding (Final Release 1.2; unchanged in 1.2.1), section 3:
    # a user's roles moved from users.csv to roles.csv.
    "1.2": {
        "manifest.csv": MANIFEST_COLUMNS,
        "orgs.csv": _ORGS,
        "academicSessions.csv": _SESSIONS,
        "courses.csv": _COURSES,
        "classes.csv": _CLASSES,
        "users.csv": ("sourcedId", "enabledUser", "username", "givenName", "familyName"),
        "roles.csv": ("sourcedId", "userSourcedId", "roleType", "role", "orgSourcedId"),
        "enrollments.csv": _ENROLLMENTS,
        "demographics.csv": _DEMOGRAPHICS,
    },
}


def required_columns(version: str, filename: str) -> tuple[str, ...]:
    """The columns the header of ``filename`` must name in OneRoster ``version``."""
    return REQUIRED_COLUMNS[version][filename]
