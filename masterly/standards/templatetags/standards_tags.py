"""Showing standards' text: statements keep their inline markup, and nothing else."""

from __future__ import annotations

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from masterly.standards.text import (
    MARKUP_TAGS,
    grade_label,
    grade_numbers,
    grade_range_label,
    strip_markup,
)

register = template.Library()

# After escaping, the few tags publishers use for emphasis and exponents are put back, without
# attributes, so a statement can never carry a link, a script or a style.
_ESCAPED_TAG = re.compile(r"&lt;(/?)(" + "|".join(MARKUP_TAGS) + r")\s*/?&gt;", re.IGNORECASE)


@register.filter
def statement(text: str) -> SafeString:
    escaped = escape(text or "")
    return mark_safe(_ESCAPED_TAG.sub(lambda m: f"<{m[1]}{m[2].lower()}>", escaped))  # noqa: S308


@register.filter
def plain(text: str) -> str:
    return strip_markup(text or "")


@register.filter
def grades(levels: list[str]) -> str:
    return grade_range_label(list(levels or []))


@register.filter
def grade(level: str) -> str:
    return grade_label(level or "")


@register.filter(name="grade_numbers")
def grade_numbers_filter(grades: str) -> str:
    return grade_numbers(grades or "")


@register.filter
def get_item(mapping: dict[object, object] | None, key: object) -> object:
    return (mapping or {}).get(key)
