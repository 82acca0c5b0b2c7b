"""``{{ level|level_label }}`` and ``{{ value|as_percent }}`` in the reader's language
(``masterly.trackers.level_words``)."""

from __future__ import annotations

from decimal import Decimal

from django import template

from masterly.mastery import Level
from masterly.trackers import level_words

register = template.Library()


@register.filter
def level_label(level: Level) -> str:
    return level_words.level_name(level)


@register.filter
def as_percent(value: Decimal | int | None) -> str:
    return level_words.percent(value)
