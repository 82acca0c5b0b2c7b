"""What a QTI import refuses: each problem names its file and the element or item."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class QtiProblem:
    file: str
    where: str  # an element ("line 12"), an item identifier, or "" for the whole file
    message: str

    def __str__(self) -> str:
        place = f"{self.file} ({self.where})" if self.where else self.file
        return f"{place}: {self.message}"


class QtiImportRejected(Exception):
    """The package was refused; nothing was changed."""

    def __init__(self, problems: list[QtiProblem]) -> None:
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = problems

    @property
    def lines(self) -> list[str]:
        return [str(problem) for problem in self.problems]


class UnsupportedInteractions(QtiImportRejected):
    """Only unsupported interactions stood in the way: importing the rest can be confirmed."""
