"""Decimal arithmetic shared by the engine.

Why Decimal and not float: the product promises results rounded *half-up* to two decimals
(4.125 → 4.13), and the worked checks must hold exactly. Floats cannot represent 0.65 or
4.125-like intermediate values exactly and ``round()`` rounds half-to-even, so both are avoided.

Every public entry point runs its arithmetic inside :data:`CONTEXT` (via
``decimal.localcontext``) so that a caller changing the global decimal context cannot change a
student's mastery level.
"""

from __future__ import annotations

import decimal
from decimal import ROUND_HALF_UP, Decimal

NumberLike = Decimal | int | float | str
"""What the public API accepts wherever a number is expected."""

CONTEXT = decimal.Context(prec=28, rounding=decimal.ROUND_HALF_EVEN)
"""Working precision: 28 significant digits, far beyond the two decimals we report."""

TWO_PLACES = Decimal("0.01")


def to_decimal(value: object, what: str, error: type[ValueError] = ValueError) -> Decimal:
    """Convert ``value`` to a finite Decimal, or raise ``error`` naming ``what``.

    Floats go through ``str`` so that ``0.65`` means the decimal 0.65 a person typed, not the
    binary approximation 0.6500000000000000222…. Booleans are refused: ``True`` is not a score.
    """
    if isinstance(value, bool) or not isinstance(value, Decimal | int | float | str):
        raise error(f"{what} must be a number (got {value!r})")
    try:
        result = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except decimal.InvalidOperation:
        raise error(f"{what} must be a number (got {value!r})") from None
    if not result.is_finite():
        raise error(f"{what} must be a finite number (got {value!r})")
    return result


def round_half_up(value: Decimal, places: int = 2) -> Decimal:
    """Round half-up (away from zero on a tie) to ``places`` decimals: 4.125 → 4.13."""
    with decimal.localcontext(CONTEXT):
        return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def format_number(value: Decimal, places: int = 6) -> str:
    """Show ``value`` to at most ``places`` decimals, without trailing zeros: 2.5275, 3, 0.35.

    Used in explanations so each step shows the exact number the next step works with
    (rounding intermediate steps to two decimals would make a parent's own check disagree).
    """
    rounded = round_half_up(value, places)
    text = f"{rounded:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def format_two_places(value: Decimal) -> str:
    """Show a result the way the product reports it: two decimals, half-up (84.50)."""
    return f"{round_half_up(value, 2):f}"
