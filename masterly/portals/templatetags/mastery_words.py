"""``{{ standard|calculation_words:scale }}`` and ``{{ level|level_label }}``: the Mastery
View's plain words (see portals/mastery/plain_words.py)."""

from __future__ import annotations

from django import template

from masterly.mastery import Level, Scale
from masterly.portals.mastery import plain_words
from masterly.trackers import level_words
from masterly.trackers.selectors.student_mastery import StandardMastery

register = template.Library()


@register.filter
def calculation_words(standard: StandardMastery, scale: Scale) -> str:
    """The method worked through with this standard's scores ("" when scores are hidden)."""
    if standard.result is None:
        return ""
    return plain_words.calculation(standard.result, scale)


@register.filter
def level_label(level: Level) -> str:
    return level_words.level_name(level)


@register.filter
def as_percent(value: object) -> str:
    return level_words.percent(value)  # type: ignore[arg-type]
