"""Levels and percents as families read them, in their language: the default scale's level
names translated (a district's own names are shown as they wrote them) and percents with the
language's decimal mark. Shared by the portals' Mastery View and the reports."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from masterly.mastery import Level

LEVEL_NAMES = {
    "Advanced": gettext_lazy("Advanced"),
    "Mastery": gettext_lazy("Mastery"),
    "Near Mastery": gettext_lazy("Near Mastery"),
    "Remediation": gettext_lazy("Remediation"),
    "Not assessed": gettext_lazy("Not assessed"),
}


def level_name(level: Level) -> str:
    return str(LEVEL_NAMES.get(level.name, level.name))


def percent(value: Decimal | int | None) -> str:
    """``87.5`` → "87.5%" ("87,5 %" in Spanish), ``80.00`` → "80%" (one decimal at most)."""
    if value is None:
        return ""
    rounded = Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    places = 0 if rounded == rounded.to_integral_value() else 1
    text = number_format(rounded, decimal_pos=places)
    return _("%(number)s%%") % {"number": text}
