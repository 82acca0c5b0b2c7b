"""OneRoster CSV sets built inside the tests: a small district in 1.1 or 1.2, valid by default.

Tests change a value, drop a row or break a file, then write the set as a zip or a folder.
"""

from __future__ import annotations

import copy
import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

ORGS = ["sourcedId", "status", "dateLastModified", "name", "type", "identifier", "parentSourcedId"]
SESSIONS = [
    "sourcedId",
    "status",
    "dateLastModified",
    "title",
    "type",
    "startDate",
    "endDate",
    "parentSourcedId",
    "schoolYear",
]
COURSES = [
    "sourcedId",
    "status",
    "dateLastModified",
    "schoolYearSourcedId",
    "title",
    "courseCode",
    "grades",
    "orgSourcedId",
    "subjects",
    "subjectCodes",
]
CLASSES = [
    "sourcedId",
    "status",
    "dateLastModified",
    "title",
    "grades",
    "courseSourcedId",
    "classCode",
    "classType",
    "location",
    "schoolSourcedId",
    "termSourcedIds",
    "subjects",
    "subjectCodes",
    "periods",
]
USERS_12 = [
    "sourcedId",
    "status",
    "dateLastModified",
    "enabledUser",
    "username",
    "userIds",
    "givenName",
    "familyName",
    "middleName",
    "identifier",
    "email",
    "sms",
    "phone",
    "agentSourcedIds",
    "grades",
    "password",
    "userMasterIdentifier",
    "preferredGivenName",
    "preferredMiddleName",
    "preferredFamilyName",
    "primaryOrgSourcedId",
    "pronouns",
]
USERS_11 = [
    "sourcedId",
    "status",
    "dateLastModified",
    "enabledUser",
    "orgSourcedIds",
    "role",
    "username",
    "userIds",
    "givenName",
    "familyName",
    "middleName",
    "identifier",
    "email",
    "sms",
    "phone",
    "agentSourcedIds",
    "grades",
    "password",
]
ROLES = [
    "sourcedId",
    "status",
    "dateLastModified",
    "userSourcedId",
    "roleType",
    "role",
    "beginDate",
    "endDate",
    "orgSourcedId",
    "userProfileSourcedId",
]
ENROLLMENTS = [
    "sourcedId",
    "status",
    "dateLastModified",
    "classSourcedId",
    "schoolSourcedId",
    "userSourcedId",
    "role",
    "primary",
    "beginDate",
    "endDate",
]
DEMOGRAPHICS = [
    "sourcedId",
    "status",
    "dateLastModified",
    "birthDate",
    "sex",
    "americanIndianOrAlaskaNative",
    "asian",
    "blackOrAfricanAmerican",
    "nativeHawaiianOrOtherPacificIslander",
    "white",
    "demographicRaceTwoOrMoreRaces",
    "hispanicOrLatinoEthnicity",
    "countryOfBirthCode",
    "stateOfBirthAbbreviation",
    "cityOfBirth",
    "publicSchoolResidenceStatus",
]

# (sourcedId, role, org(s), username, given, family, agents, grades)
PEOPLE = [
    ("t1", "teacher", "s1", "tbaker", "Tessa", "Baker", "", ""),
    ("st1", "student", "s1", "sadams", "Sam", "Adams", "g1", "06"),
    ("st2", "student", "s2", "", "Lee", "Chen", "", "07"),
    ("g1", "parent", "s1", "gadams", "Gina", "Adams", "", ""),
    ("g2", "guardian", "s2", "gchen", "Gao", "Chen", "st2", ""),
    ("lead1", "principal", "s1", "lead", "Pat", "Lopez", "", ""),
    ("adm1", "districtAdministrator", "d1", "admin1", "Ada", "King", "", ""),
]
ROLE_V11 = {"principal": "administrator", "districtAdministrator": "administrator"}


@dataclass
class RosterSet:
    version: str = "1.2"
    files: dict[str, tuple[list[str], list[dict[str, str]]]] = field(default_factory=dict)
    manifest: dict[str, str] = field(default_factory=dict)

    def rows(self, name: str) -> list[dict[str, str]]:
        return self.files[name][1]

    def row(self, name: str, sourced_id: str) -> dict[str, str]:
        return next(r for r in self.rows(name) if r["sourcedId"] == sourced_id)

    def drop(self, name: str, sourced_id: str) -> None:
        self.rows(name).remove(self.row(name, sourced_id))

    def add(self, file: str, /, **values: str) -> None:
        self.rows(file).append(values)

    def copy(self) -> RosterSet:
        return copy.deepcopy(self)

    def text(self, name: str) -> str:
        if name == "manifest.csv":
            out = io.StringIO()
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(["propertyName", "value"])
            writer.writerows(self.manifest.items())
            return out.getvalue()
        header, rows = self.files[name]
        out = io.StringIO()
        writer = csv.DictWriter(out, header, lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({column: row.get(column, "") for column in header})
        return out.getvalue()

    def contents(self) -> dict[str, bytes]:
        names = ["manifest.csv", *self.files]
        return {name: self.text(name).encode() for name in names}

    def write_zip(self, path: Path, *, overrides: dict[str, bytes | None] | None = None) -> Path:
        contents = self.contents()
        for name, data in (overrides or {}).items():
            if data is None:
                contents.pop(name, None)
            else:
                contents[name] = data
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in contents.items():
                archive.writestr(name, data)
        return path

    def write_folder(self, path: Path) -> Path:
        path.mkdir(parents=True, exist_ok=True)
        for name, data in self.contents().items():
            (path / name).write_bytes(data)
        return path


def district(version: str = "1.2") -> RosterSet:
    """One district (d1), two schools, a school year with two terms, two classes, seven people.

    s1 is listed before its district d1 on purpose: a parent may come later in the file.
    """
    roster = RosterSet(version=version)
    roster.files["orgs.csv"] = (
        ORGS,
        [
            {"sourcedId": "s1", "name": "Adams Middle", "type": "school", "parentSourcedId": "d1"},
            {"sourcedId": "d1", "name": "Demo District", "type": "district"},
            {"sourcedId": "s2", "name": "Brooks Middle", "type": "school", "parentSourcedId": "d1"},
        ],
    )
    roster.files["academicSessions.csv"] = (
        SESSIONS,
        [
            {
                "sourcedId": "y2027",
                "title": "2026-2027",
                "type": "schoolYear",
                "startDate": "2026-08-01",
                "endDate": "2027-06-30",
                "schoolYear": "2027",
            },
            {
                "sourcedId": "fall",
                "title": "Fall 2026",
                "type": "term",
                "startDate": "2026-08-01",
                "endDate": "2027-01-15",
                "parentSourcedId": "y2027",
                "schoolYear": "2027",
            },
            {
                "sourcedId": "spring",
                "title": "Spring 2027",
                "type": "term",
                "startDate": "2027-01-16",
                "endDate": "2027-06-30",
                "parentSourcedId": "y2027",
                "schoolYear": "2027",
            },
        ],
    )
    roster.files["courses.csv"] = (
        COURSES,
        [
            {
                "sourcedId": "c6",
                "schoolYearSourcedId": "y2027",
                "title": "Math 6",
                "courseCode": "M6",
                "grades": "06",
                "orgSourcedId": "s1",
                "subjects": "Math",
            },
            {
                "sourcedId": "c7",
                "title": "Math 7",
                "courseCode": "M7",
                "grades": "07",
                "orgSourcedId": "s2",
                "subjects": "Math",
            },
        ],
    )
    roster.files["classes.csv"] = (
        CLASSES,
        [
            {
                "sourcedId": "k1",
                "title": "Math 6 - Period 1",
                "grades": "06",
                "courseSourcedId": "c6",
                "classCode": "M6-1",
                "classType": "scheduled",
                "schoolSourcedId": "s1",
                "termSourcedIds": "fall,spring",
                "periods": "1",
            },
            {
                "sourcedId": "k2",
                "title": "Math 7 - Period 2",
                "grades": "07",
                "courseSourcedId": "c7",
                "classCode": "M7-2",
                "classType": "scheduled",
                "schoolSourcedId": "s2",
                "termSourcedIds": "fall",
                "periods": "2",
            },
        ],
    )
    users = []
    roles = []
    for sid, role, org, username, given, family, agents, grades in PEOPLE:
        user = {
            "sourcedId": sid,
            "enabledUser": "true",
            "username": username,
            "givenName": given,
            "familyName": family,
            "email": f"{username or sid}@example.org",
            "agentSourcedIds": agents,
            "grades": grades,
            "identifier": f"ID-{sid}",
        }
        if version == "1.1":
            user.update(role=ROLE_V11.get(role, role), orgSourcedIds=org)
        else:
            roles.append(
                {
                    "sourcedId": f"r-{sid}",
                    "userSourcedId": sid,
                    "roleType": "primary",
                    "role": role,
                    "orgSourcedId": org,
                }
            )
        users.append(user)
    roster.files["users.csv"] = (USERS_11 if version == "1.1" else USERS_12, users)
    if version == "1.2":
        roster.files["roles.csv"] = (ROLES, roles)
    roster.files["enrollments.csv"] = (
        ENROLLMENTS,
        [
            {
                "sourcedId": "e1",
                "classSourcedId": "k1",
                "schoolSourcedId": "s1",
                "userSourcedId": "t1",
                "role": "teacher",
                "primary": "true",
                "beginDate": "2026-08-01",
                "endDate": "2027-06-30",
            },
            {
                "sourcedId": "e2",
                "classSourcedId": "k1",
                "schoolSourcedId": "s1",
                "userSourcedId": "st1",
                "role": "student",
                "primary": "false",
            },
            {
                "sourcedId": "e3",
                "classSourcedId": "k2",
                "schoolSourcedId": "s2",
                "userSourcedId": "st2",
                "role": "student",
            },
        ],
    )
    roster.manifest = {
        "manifest.version": "1.0",
        "oneroster.version": version,
        "file.academicSessions": "bulk",
        "file.categories": "absent",
        "file.classes": "bulk",
        "file.classResources": "absent",
        "file.courses": "bulk",
        "file.courseResources": "absent",
        "file.demographics": "absent",
        "file.enrollments": "bulk",
        "file.lineItems": "absent",
        "file.orgs": "bulk",
        "file.resources": "absent",
        "file.results": "absent",
        "file.users": "bulk",
        "source.systemName": "Tests",
        "source.systemCode": "tests",
    }
    if version == "1.2":
        roster.manifest["file.roles"] = "bulk"
    return roster


def with_students(roster: RosterSet, count: int, *, prefix: str = "x") -> RosterSet:
    """Add ``count`` students to class k1 at school s1, every other one with a guardian who
    lists them in agentSourcedIds."""
    for n in range(count):
        sid = f"{prefix}st{n}"
        user = {
            "sourcedId": sid,
            "enabledUser": "true",
            "username": f"{prefix}student{n}",
            "givenName": "Kim",
            "familyName": f"Student {n}",
            "grades": "06",
        }
        guardian = {
            "sourcedId": f"{prefix}g{n}",
            "enabledUser": "true",
            "username": f"{prefix}guardian{n}",
            "givenName": "Jo",
            "familyName": f"Guardian {n}",
            "agentSourcedIds": sid,
        }
        people = [(user, "student")] + ([(guardian, "parent")] if n % 2 else [])
        for person, role in people:
            if roster.version == "1.1":
                person.update(role=role, orgSourcedIds="s1")
            else:
                roster.add(
                    "roles.csv",
                    sourcedId=f"r-{person['sourcedId']}",
                    userSourcedId=person["sourcedId"],
                    roleType="primary",
                    role=role,
                    orgSourcedId="s1",
                )
            roster.add("users.csv", **person)
        roster.add(
            "enrollments.csv",
            sourcedId=f"{prefix}e{n}",
            classSourcedId="k1",
            schoolSourcedId="s1",
            userSourcedId=sid,
            role="student",
        )
    return roster


def with_demographics(roster: RosterSet, rows: list[dict[str, str]]) -> RosterSet:
    """demographics.csv with these rows, listed as bulk in the manifest."""
    roster.files["demographics.csv"] = (DEMOGRAPHICS, rows)
    roster.manifest["file.demographics"] = "bulk"
    return roster


ROSTER_MODELS = [
    "roster.Org",
    "roster.AcademicSession",
    "roster.Course",
    "roster.Section",
    "roster.SectionTerm",
    "roster.Enrollment",
    "roster.RoleAssignment",
    "roster.GuardianLink",
    "roster.StudentGroupMembership",
    "roster.LiveImport",
    "accounts.User",
    "core.AuditEvent",
]


def snapshot() -> dict[str, list[tuple[object, ...]]]:
    """Every row of every roster table (and the audit log), to compare before and after."""
    from django.apps import apps

    tables = {}
    for label in ROSTER_MODELS:
        model = apps.get_model(label)
        fields = [f.attname for f in model._meta.concrete_fields]
        tables[label] = list(model._base_manager.order_by("pk").values_list(*fields))
    return tables
