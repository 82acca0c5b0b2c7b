"""The rows of each OneRoster file as typed, validated models: the edge of the import.

Nothing past this module sees raw CSV text. Every problem a value can have becomes a message
that names its column (the model's alias is the OneRoster column name) and says what to write
instead.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable
from typing import Annotated, Any, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from masterly.integrations.oneroster.csvreader import RawRow
from masterly.integrations.oneroster.errors import ErrorList
from masterly.roster.groups import RACES

DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}\Z")


def _text(max_length: int) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        text = "" if value is None else str(value).strip()
        if len(text) > max_length:
            raise ValueError(
                f"is {len(text)} characters long; at most {max_length} fit. Shorten it."
            )
        return text

    return check


def _required(max_length: int) -> Callable[[Any], str]:
    text = _text(max_length)

    def check(value: Any) -> str:
        value = text(value)
        if not value:
            raise ValueError("is empty, but every row needs a value here. Fill it in.")
        return value

    return check


def _date(value: Any) -> datetime.date | None:
    text = "" if value is None else str(value).strip()
    if not text:
        return None
    if DATE_PATTERN.match(text):
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            pass
    raise ValueError(f"“{text}” is not a date. Write dates as YYYY-MM-DD, for example 2026-08-15.")


def _required_date(value: Any) -> datetime.date:
    date = _date(value)
    if date is None:
        raise ValueError("is empty, but every row needs a date here (YYYY-MM-DD). Fill it in.")
    return date


def _boolean(default: bool) -> Callable[[Any], bool]:
    def check(value: Any) -> bool:
        text = "" if value is None else str(value).strip().lower()
        if not text:
            return default
        if text in {"true", "false"}:
            return text == "true"
        raise ValueError(f"“{value}” is not true or false. Write true or false.")

    return check


def _choice(allowed: Iterable[str], *, default: str | None = None) -> Callable[[Any], str]:
    allowed = tuple(allowed)
    by_lower = {word.lower(): word for word in allowed}

    def check(value: Any) -> str:
        text = "" if value is None else str(value).strip()
        if not text and default is not None:
            return default
        word = by_lower.get(text.lower())
        if word is None:
            shown = f"“{text}”" if text else "empty"
            raise ValueError(f"{shown} is not one of the allowed values: {', '.join(allowed)}.")
        return word

    return check


def _id_list(value: Any) -> tuple[str, ...]:
    text = "" if value is None else str(value)
    return tuple(part.strip() for part in text.split(",") if part.strip())


def _joined(max_length: int) -> Callable[[Any], str]:
    """A comma-separated list kept as text, tidied (``06, 07`` → ``06,07``)."""
    text = _text(max_length)

    def check(value: Any) -> str:
        return text(",".join(_id_list(value)))

    return check


def _year(value: Any) -> int:
    text = "" if value is None else str(value).strip()
    if re.fullmatch(r"\d{4}", text):
        return int(text)
    shown = f"“{text}”" if text else "empty"
    raise ValueError(f"{shown} is not a year. Write the year the school year ends in, e.g. 2027.")


def _status(value: Any) -> bool:
    """True when the row is to be deleted (``tobedeleted``; 1.0's ``inactive`` too)."""
    text = "" if value is None else str(value).strip().lower()
    if text in {"", "active"}:
        return False
    if text in {"tobedeleted", "inactive"}:
        return True
    raise ValueError(f"“{value}” is not a status. Leave it empty, or write active or tobedeleted.")


SourcedId = Annotated[str, BeforeValidator(_required(255))]
RequiredText = Annotated[str, BeforeValidator(_required(255))]
Text = Annotated[str, BeforeValidator(_text(255))]
ShortText = Annotated[str, BeforeValidator(_text(100))]
NameText = Annotated[str, BeforeValidator(_required(150))]
OptionalName = Annotated[str, BeforeValidator(_text(150))]
Grades = Annotated[str, BeforeValidator(_joined(100))]
Subjects = Annotated[str, BeforeValidator(_joined(255))]
IdList = Annotated[tuple[str, ...], BeforeValidator(_id_list)]
OptionalDate = Annotated[datetime.date | None, BeforeValidator(_date)]
RequiredDate = Annotated[datetime.date, BeforeValidator(_required_date)]
ToBeDeleted = Annotated[bool, BeforeValidator(_status)]

ORG_TYPES = ("district", "school", "department", "local", "state", "national")
SESSION_TYPES = ("schoolYear", "semester", "term", "gradingPeriod")
CLASS_TYPES = ("scheduled", "homeroom")
ENROLLMENT_ROLES = ("student", "teacher", "aide", "administrator", "proctor", "guardian")
USER_ROLES_V11 = (
    "administrator",
    "aide",
    "guardian",
    "parent",
    "proctor",
    "relative",
    "student",
    "teacher",
)
USER_ROLES_V12 = (
    *USER_ROLES_V11,
    "counselor",
    "districtAdministrator",
    "principal",
    "siteAdministrator",
    "systemAdministrator",
)


class Row(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    sourced_id: SourcedId = Field(alias="sourcedId")
    to_be_deleted: ToBeDeleted = Field(default=False, alias="status")


class OrgRow(Row):
    name: RequiredText
    type: Annotated[str, BeforeValidator(_choice(ORG_TYPES))]
    identifier: Text = ""
    parent_sourced_id: Text = Field(default="", alias="parentSourcedId")


class AcademicSessionRow(Row):
    title: RequiredText
    type: Annotated[str, BeforeValidator(_choice(SESSION_TYPES))]
    start_date: RequiredDate = Field(alias="startDate")
    end_date: RequiredDate = Field(alias="endDate")
    parent_sourced_id: Text = Field(default="", alias="parentSourcedId")
    school_year: Annotated[int, BeforeValidator(_year)] = Field(alias="schoolYear")

    @field_validator("end_date")
    @classmethod
    def _ends_after_start(cls, end: datetime.date, info: ValidationInfo) -> datetime.date:
        start = info.data.get("start_date")
        if start is not None and end < start:
            raise ValueError(f"{end} is before the startDate {start}. Check the two dates.")
        return end


class CourseRow(Row):
    title: RequiredText
    school_year_sourced_id: Text = Field(default="", alias="schoolYearSourcedId")
    course_code: ShortText = Field(default="", alias="courseCode")
    grades: Grades = ""
    org_sourced_id: SourcedId = Field(alias="orgSourcedId")
    subjects: Subjects = ""


class ClassRow(Row):
    title: RequiredText
    grades: Grades = ""
    course_sourced_id: SourcedId = Field(alias="courseSourcedId")
    class_code: ShortText = Field(default="", alias="classCode")
    class_type: Annotated[str, BeforeValidator(_choice(CLASS_TYPES, default="scheduled"))] = Field(
        default="scheduled", alias="classType"
    )
    location: Text = ""
    school_sourced_id: SourcedId = Field(alias="schoolSourcedId")
    term_sourced_ids: IdList = Field(default=(), alias="termSourcedIds")
    subjects: Subjects = ""
    periods: ShortText = ""


def _as_given(value: Any) -> str:
    """A value read as it is (trimmed), for the step to judge: never a reason to refuse."""
    return "" if value is None else str(value).strip()


# OneRoster's CSV bindings let a file carry more columns than the standard's, to the right of
# them, each named ``metadata.<name>``: Masterly reads this one in users.csv (1.1 and 1.2).
PREFERRED_LANGUAGE = "metadata.preferredLanguage"


class UserRow(Row):
    """users.csv in OneRoster 1.2: who the person is; their roles are in roles.csv."""

    enabled: Annotated[bool, BeforeValidator(_boolean(True))] = Field(
        default=True, alias="enabledUser"
    )
    username: OptionalName = ""
    given_name: NameText = Field(alias="givenName")
    family_name: NameText = Field(alias="familyName")
    middle_name: OptionalName = Field(default="", alias="middleName")
    identifier: Text = ""
    email: Annotated[str, BeforeValidator(_text(254))] = ""
    agent_sourced_ids: IdList = Field(default=(), alias="agentSourcedIds")
    grades: Grades = ""
    # A BCP 47 tag (es, es-MX): the language a guardian or student reads Masterly in until
    # they choose one. Checked by the users step, which ignores a bad one with a warning.
    preferred_language: Annotated[str, BeforeValidator(_as_given)] = Field(
        default="",
        alias="metadata.preferredLanguage",  # PREFERRED_LANGUAGE
    )


class UserRowV11(UserRow):
    """users.csv in OneRoster 1.1 also says the person's role and the orgs they hold it at."""

    role: Annotated[str, BeforeValidator(_choice(USER_ROLES_V11))]
    org_sourced_ids: IdList = Field(alias="orgSourcedIds")


class RoleRow(Row):
    """roles.csv (OneRoster 1.2): one role of one user at one org."""

    user_sourced_id: SourcedId = Field(alias="userSourcedId")
    role_type: Annotated[str, BeforeValidator(_choice(("primary", "secondary")))] = Field(
        default="primary", alias="roleType"
    )
    role: Annotated[str, BeforeValidator(_choice(USER_ROLES_V12))]
    begin_date: OptionalDate = Field(default=None, alias="beginDate")
    end_date: OptionalDate = Field(default=None, alias="endDate")
    org_sourced_id: SourcedId = Field(alias="orgSourcedId")


class EnrollmentRow(Row):
    class_sourced_id: SourcedId = Field(alias="classSourcedId")
    school_sourced_id: SourcedId = Field(alias="schoolSourcedId")
    user_sourced_id: SourcedId = Field(alias="userSourcedId")
    role: Annotated[str, BeforeValidator(_choice(ENROLLMENT_ROLES))]
    primary: Annotated[bool, BeforeValidator(_boolean(False))] = False
    begin_date: OptionalDate = Field(default=None, alias="beginDate")
    end_date: OptionalDate = Field(default=None, alias="endDate")


Flag = Annotated[bool, BeforeValidator(_boolean(False))]
SEX_VALUES = ("male", "female", "other", "unspecified")


class DemographicRow(Row):
    """demographics.csv (1.1 and 1.2): ``sourcedId`` is the user's. The birth date is checked
    but never stored: no dashboard needs it (ADR 22)."""

    birth_date: OptionalDate = Field(default=None, alias="birthDate")
    sex: Annotated[str, BeforeValidator(_choice(SEX_VALUES, default=""))] = ""
    american_indian_or_alaska_native: Flag = Field(
        default=False, alias="americanIndianOrAlaskaNative"
    )
    asian: Flag = False
    black_or_african_american: Flag = Field(default=False, alias="blackOrAfricanAmerican")
    native_hawaiian_or_other_pacific_islander: Flag = Field(
        default=False, alias="nativeHawaiianOrOtherPacificIslander"
    )
    white: Flag = False
    two_or_more_races: Flag = Field(default=False, alias="demographicRaceTwoOrMoreRaces")
    hispanic_or_latino: Flag = Field(default=False, alias="hispanicOrLatinoEthnicity")

    @property
    def races(self) -> tuple[str, ...]:
        """The group keys of the races this row marks true, in ``RACES`` order."""
        return tuple(key for key in RACES if getattr(self, key.removeprefix("race:")))


RowT = TypeVar("RowT", bound=Row)
ModelT = TypeVar("ModelT", bound=BaseModel)


def parse_rows(
    model: type[ModelT], filename: str, chunk: list[RawRow], errors: ErrorList
) -> list[tuple[int, ModelT]]:
    """The chunk's rows as models; each invalid value becomes one error and its row is left out."""
    parsed: list[tuple[int, ModelT]] = []
    validate = model.model_validate
    for line, values in chunk:
        try:
            parsed.append((line, validate(values)))
        except ValidationError as invalid:
            for problem in invalid.errors(include_url=False):
                column = str(problem["loc"][0]) if problem["loc"] else None
                cause = (problem.get("ctx") or {}).get("error")
                message = str(cause) if cause is not None else problem["msg"]
                if problem["type"] == "missing":
                    message = "is missing. Add the column, or fill in the value."
                errors.add(filename, _capitalised(column, message), line=line, column=column)
    return parsed


def _capitalised(column: str | None, message: str) -> str:
    """“is empty…” reads as a sentence about the column: “sourcedId is empty…”."""
    if column and message[:1].islower() and not message.startswith("“"):
        return f"{column} {message}"
    return message
