"""What a valid score is: its points (≥ 0, at most two decimals, earned ≤ possible, possible
> 0), its date (not in the future) and, for a correction, its reason.

Each check returns the clean value or raises a ValidationError naming the field and saying
what to do. Every writer of assessments and evidence calls these.
"""

from __future__ import annotations

import datetime
import decimal
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

from masterly.assessments.models import POINTS_DIGITS, POINTS_PLACES

MAX_POINTS = Decimal(10 ** (POINTS_DIGITS - POINTS_PLACES)) - Decimal(1).scaleb(-POINTS_PLACES)
"""The most points a score may have (99999.99)."""

_LABELS = {
    "points_earned": "Points earned",
    "points_possible": "Points possible",
    "assessed_on": "The assessed date",
}


def clean_points(value: object, field: str) -> Decimal:
    """``value`` as points: a number ≥ 0 with at most two decimals, else a ValidationError."""
    label = _LABELS[field]
    if isinstance(value, bool) or not isinstance(value, Decimal | int | float | str):
        raise ValidationError(
            {field: f"{label} must be a number such as 3 or 2.5 (got {value!r})."}
        )
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except decimal.InvalidOperation:
        raise ValidationError(
            {field: f"{label} must be a number such as 3 or 2.5 (got {value!r})."}
        ) from None
    if not number.is_finite():
        raise ValidationError({field: f"{label} must be a finite number (got {value!r})."})
    if number < 0:
        raise ValidationError({field: f"{label} cannot be negative (got {number})."})
    if number != number.quantize(Decimal(1).scaleb(-POINTS_PLACES), rounding=decimal.ROUND_DOWN):
        raise ValidationError(
            {field: f"{label} can have at most {POINTS_PLACES} decimal places (got {number})."}
        )
    if number > MAX_POINTS:
        raise ValidationError({field: f"{label} can be at most {MAX_POINTS} (got {number})."})
    return number.quantize(Decimal(1).scaleb(-POINTS_PLACES))


def clean_score(points_earned: object, points_possible: object) -> tuple[Decimal, Decimal]:
    """Points earned and possible, checked together (earned ≤ possible, possible > 0)."""
    errors: dict[str, str] = {}
    earned = possible = None
    try:
        earned = clean_points(points_earned, "points_earned")
    except ValidationError as error:
        errors.update({k: v[0] for k, v in error.message_dict.items()})
    try:
        possible = clean_points(points_possible, "points_possible")
    except ValidationError as error:
        errors.update({k: v[0] for k, v in error.message_dict.items()})
    if possible is not None and possible <= 0:
        errors["points_possible"] = f"Points possible must be more than 0 (got {possible})."
    if errors or earned is None or possible is None:
        raise ValidationError(errors)
    if earned > possible:
        raise ValidationError(
            {
                "points_earned": (
                    f"Points earned ({earned}) cannot be more than points possible ({possible})."
                )
            }
        )
    return earned, possible


def clean_assessed_on(value: object, *, today: datetime.date | None = None) -> datetime.date:
    """A date (or ``YYYY-MM-DD``) that is not in the future."""
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value.strip())
        except ValueError:
            raise ValidationError(
                {"assessed_on": f"The assessed date must look like 2026-09-14 (got {value!r})."}
            ) from None
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
        raise ValidationError(
            {"assessed_on": f"The assessed date must be a date such as 2026-09-14 (got {value!r})."}
        )
    today = today or timezone.localdate()
    if value > today:
        raise ValidationError(
            {
                "assessed_on": (
                    f"The assessed date {value.isoformat()} is in the future; use today's date "
                    f"({today.isoformat()}) or an earlier one."
                )
            }
        )
    return value


def clean_reason(reason: object) -> str:
    if not isinstance(reason, str) or not reason.strip():
        raise ValidationError(
            {"reason": "Give a reason for the change: it is kept in the score's history."}
        )
    return reason.strip()
