"""What goes wrong in a OneRoster import, said so a district admin can fix the files.

Every problem names the file, the line and the column where that means something, and says
what to do next. The import collects up to ``MAX_ERRORS`` of them before it stops, so one
round trip fixes many problems; it never writes anything when there is one.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

MAX_ERRORS = 50


@dataclass(frozen=True, slots=True)
class RosterImportError:
    """One problem in the files. ``line`` is the physical line (the header is line 1)."""

    file: str
    message: str
    line: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", line {self.line}"
        if self.column:
            where += f", column {self.column}"
        return f"{where}: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RosterImportError:
        return cls(
            file=str(data.get("file", "")),
            message=str(data.get("message", "")),
            line=data.get("line"),
            column=data.get("column"),
        )


class RosterImportRejected(Exception):
    """The files were refused; the database is exactly as it was before the import."""

    def __init__(self, errors: list[RosterImportError]) -> None:
        # Files in the order they were read, each file's problems in line order (a bad value is
        # found while parsing, an unknown reference later: both read best top to bottom).
        first_seen = {error.file: n for n, error in reversed(list(enumerate(errors)))}
        self.errors = sorted(errors, key=lambda e: (first_seen[e.file], e.line or 0))
        super().__init__(f"{len(errors)} problem(s) in the OneRoster files; nothing was changed.")


class TooManyErrors(Exception):
    """Raised once ``MAX_ERRORS`` problems are collected: reading further helps nobody."""


class ErrorList:
    """The problems found so far; stops the import once there are ``limit`` of them."""

    def __init__(self, limit: int = MAX_ERRORS) -> None:
        self.limit = limit
        self.items: list[RosterImportError] = []

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def add(
        self, file: str, message: str, *, line: int | None = None, column: str | None = None
    ) -> None:
        self.items.append(RosterImportError(file=file, message=message, line=line, column=column))
        if len(self.items) >= self.limit:
            raise TooManyErrors


class MassDeactivationRefused(RosterImportRejected):
    """The files would deactivate more of the district than an import may without an admin's
    explicit confirmation (``ONEROSTER_MAX_DEACTIVATION_SHARE``). Nothing was changed."""

    def __init__(self, errors: list[RosterImportError], numbers: dict[str, Any]) -> None:
        super().__init__(errors)
        # {"share": 0.2, "people": [would deactivate, active now], "enrollments": [...]}
        self.numbers = numbers
