"""One figure of a dashboard (a row of one of its tables) and the tables it sits in."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from django.utils.translation import gettext

from masterly.trackers.dashboard_counts import NOT_ASSESSED
from masterly.trackers.level_words import LEVEL_NAMES

# The usual levels from the top; a tracker's own names come after them, then not assessed.
KNOWN_LEVELS = ("A", "M", "NM", "R")


@dataclass(frozen=True, slots=True)
class Share:
    level: str
    count: int
    percent: int

    @property
    def percent_text(self) -> str:
        """The share as the reader's language writes it: 20% in English, 20 % in Spanish."""
        return gettext("%(percent)s%%") % {"percent": self.percent}


@dataclass(frozen=True, slots=True)
class Figure:
    """How a set of students stood: students × standards counted at each level.

    ``raw`` maps a level abbreviation (``""``: not assessed) to a number of cells (for a
    standard's figure, of students). A suppressed figure (about fewer students than the
    minimum, or one a suppressed figure could be worked out from) keeps no counts at all.
    """

    key: str
    label: str
    students: int
    raw: dict[str, int] = field(default_factory=dict)
    suppressed: bool = False

    def hidden(self) -> Figure:
        return replace(self, raw={}, suppressed=True)

    @property
    def total(self) -> int:
        return sum(self.raw.values())

    def shares(self, levels: Iterable[str]) -> list[Share]:
        total = self.total
        return [
            Share(level, self.raw.get(level, 0), _percent(self.raw.get(level, 0), total))
            for level in levels
        ]


def _percent(part: int, whole: int) -> int:
    return round(part * 100 / whole) if whole else 0


@dataclass
class Table:
    """``name`` is the stable key (URLs, CSV file names); ``title`` and ``heading`` (what
    each row is, the first column's name) are in the reader's language."""

    name: str
    title: str
    heading: str
    rows: list[Figure]
    levels: list[str] = field(default_factory=list)


def level_order(levels: Iterable[str]) -> list[str]:
    """Levels present, the known ones from the top first, not assessed last."""
    present = set(levels)
    known = [level for level in KNOWN_LEVELS if level in present]
    others = sorted(present - set(KNOWN_LEVELS) - {NOT_ASSESSED})
    return [*known, *others, NOT_ASSESSED]


_KNOWN_NAMES = {"A": "Advanced", "M": "Mastery", "NM": "Near Mastery", "R": "Remediation"}


def level_name(level: str) -> str:
    """The default scale's level names translated; a district's own abbreviations as is."""
    name = _KNOWN_NAMES.get(level, level or "Not assessed")
    return str(LEVEL_NAMES.get(name, name))


def group_families(keys: Iterable[str]) -> dict[str, list[str]]:
    """Groups that split the same students (every student has one sex, one race): a figure
    hidden in one could be worked out from the others and the total."""
    families: dict[str, list[str]] = {}
    for key in keys:
        group = key.removeprefix("group:")
        if group.startswith(("sex:", "race:")):
            families.setdefault(group.split(":", 1)[0], []).append(key)
    return families
