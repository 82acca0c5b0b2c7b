"""Plain-Python text rules shared by import, search and display (no database here)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# Words too common in standards' statements to narrow a search; dropping them keeps the word
# index small and a query such as "the number system" fast.
STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "e",
        "eg",
        "for",
        "from",
        "g",
        "i",
        "ie",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "such",
        "that",
        "the",
        "their",
        "them",
        "then",
        "these",
        "this",
        "those",
        "to",
        "use",
        "using",
        "with",
    ]
)
MAX_TERM_LENGTH = 40
_WORD = re.compile(r"[a-z0-9]+")
_NATURAL_PART = re.compile(r"(\d+)|(\D+)")
# The inline markup publishers put in statements (CCSS uses <em>, <sup>, <sub>); a bare "<"
# is often a less-than sign, so only these tags count as markup.
MARKUP_TAGS = ("em", "strong", "i", "b", "sup", "sub", "br")
_MARKUP = re.compile(r"</?(?:" + "|".join(MARKUP_TAGS) + r")\s*/?>", re.IGNORECASE)

GRADE_LABELS = {
    "IT": "Infant/toddler",
    "PR": "Preschool",
    "PK": "Pre-kindergarten",
    "TK": "Transitional kindergarten",
    "KG": "Kindergarten",
    **{f"{n:02d}": f"Grade {n}" for n in range(1, 14)},
    "PS": "Postsecondary",
    "UG": "Ungraded",
    "AE": "Adult education",
    "Other": "Other",
}
GRADE_ORDER = list(GRADE_LABELS)


def normalize(text: str) -> str:
    """Lowercase ASCII-folded text: "Équations" and "equations" are the same word."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def strip_markup(text: str) -> str:
    return _MARKUP.sub("", text)


def words(text: str) -> list[str]:
    return _WORD.findall(normalize(strip_markup(text)))


def search_terms(texts: Iterable[str]) -> set[str]:
    """The words a standard is found by."""
    terms: set[str] = set()
    for text in texts:
        for word in words(text):
            if word in STOP_WORDS or (len(word) < 2 and not word.isdigit()):
                continue
            terms.add(word[:MAX_TERM_LENGTH])
    return terms


def query_words(query: str) -> list[str]:
    """The words of a search, in order, without stop words or repeats."""
    seen: list[str] = []
    for word in words(query):
        if word in STOP_WORDS or word in seen:
            continue
        seen.append(word[:MAX_TERM_LENGTH])
    return seen


def code_key(code: str) -> str:
    """A code in a punctuation-free form: "HSA-APR.A.1" and "hsa.apr.a.1" are one code."""
    return ".".join(_WORD.findall(normalize(code)))


def looks_like_code(query: str) -> bool:
    """One token with a digit, dot or dash ("6.RP.A.3", "MP1") is searched as a code first."""
    query = query.strip()
    return (
        bool(query)
        and not any(ch.isspace() for ch in query)
        and (any(ch.isdigit() for ch in query) or "." in query or "-" in query)
    )


def prefix_upper_bound(prefix: str) -> str:
    """The smallest string above every string starting with ``prefix`` (ASCII, non-empty).

    ``x >= prefix AND x < bound`` is a prefix search a B-tree index serves on SQLite, where
    LIKE ignores the index unless the column is case-insensitive.
    """
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def grade_keys(levels: Iterable[str]) -> str:
    joined = ",".join(level.strip() for level in levels if level.strip())
    return f",{joined}," if joined else ""


def grade_label(level: str) -> str:
    return GRADE_LABELS.get(level, level)


def grade_numbers(grades: str) -> str:
    """A roster's grade codes as people write them: "08" is 8 ("06,07": "6, 7"); "KG" stays."""
    codes = (code.strip() for code in grades.split(","))
    return ", ".join(str(int(code)) if code.isdigit() else code for code in codes if code)


def grade_range_label(levels: list[str]) -> str:
    """ "Grade 6", "Grades 9–12", "Kindergarten": how a standard's levels read on a page."""
    if not levels:
        return ""
    if len(levels) == 1:
        return grade_label(levels[0])
    first, last = levels[0], levels[-1]
    if first.isdigit() and last.isdigit():
        return f"Grades {int(first)}–{int(last)}"
    return ", ".join(grade_label(level) for level in levels)


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """Sort "2." before "10." and "a." before "b." (list enumerations, codes)."""
    parts: list[tuple[int, int | str]] = []
    for number, other in _NATURAL_PART.findall(text.strip()):
        parts.append((0, int(number)) if number else (1, other.lower()))
    return tuple(parts)
