"""Attempts a student is allowed beyond the assignment's own (reassessment grants are wired
here)."""

from __future__ import annotations

from typing import Any


def extra_attempts(assignment: Any, student: Any) -> int:
    """Attempts granted to ``student`` on ``assignment`` beyond its ``attempts_allowed``."""
    return 0


def grant_use(assignment: Any, student: Any, attempt: Any) -> bool:
    """Mark a grant used by ``attempt`` (an attempt beyond the assignment's own); False when
    there was none. (The reassessment work's version keeps the grants.)"""
    return False
