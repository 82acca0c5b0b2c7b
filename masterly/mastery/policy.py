"""The calculation policy: which method, its parameters, and the scale.

A district, school or tracker setting becomes one :class:`MasteryPolicy`. Building it
validates every parameter once, with a message that states the allowed range, so a settings
form can show the error as it stands.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final

from .errors import MasteryParameterError, UnknownMethodError
from .rounding import NumberLike, to_decimal
from .scales import THREE_LEVEL_SCALE, Scale

METHOD_NAMES: Final[dict[str, str]] = {
    "most_recent": "Most recent",
    "highest": "Highest",
    "average": "Average",
    "decaying_average": "Decaying average",
    "weighted_average": "Weighted average",
    "n_mastery": "n times at mastery",
    "power_law": "Power law",
    "mode": "Mode",
}
"""Method identifier → the name shown to people."""

METHOD_IDS: Final[tuple[str, ...]] = tuple(METHOD_NAMES)
DEFAULT_METHOD: Final = "decaying_average"

DEFAULT_DECAY: Final = Decimal("0.65")
DECAY_RANGE: Final = (Decimal("0.50"), Decimal("0.99"))
DEFAULT_WEIGHT: Final = Decimal("0.65")
WEIGHT_RANGE: Final = (Decimal("0.01"), Decimal("0.99"))
DEFAULT_N: Final = 3


def check_method(method: object) -> str:
    """Return ``method`` if it is a known identifier, else raise listing the valid ones."""
    if not isinstance(method, str) or method not in METHOD_NAMES:
        raise UnknownMethodError(
            f"unknown calculation method {method!r}; choose one of {', '.join(METHOD_IDS)}"
        )
    return method


def check_in_range(value: NumberLike, what: str, bounds: tuple[Decimal, Decimal]) -> Decimal:
    """``value`` as a Decimal within ``bounds`` (inclusive), else a message with the range."""
    low, high = bounds
    number = to_decimal(value, what, MasteryParameterError)
    if not low <= number <= high:
        raise MasteryParameterError(f"{what} must be between {low} and {high} (got {value})")
    return number


def check_decay(decay: NumberLike) -> Decimal:
    """The decaying-average weight d of the newest evidence: 0.50–0.99."""
    return check_in_range(decay, "decay", DECAY_RANGE)


def check_weight(weight: NumberLike) -> Decimal:
    """The weighted-average weight w of the newest evidence: 0.01–0.99."""
    return check_in_range(weight, "weight", WEIGHT_RANGE)


def check_n(n: object) -> int:
    """How many pieces of evidence at mastery ``n_mastery`` needs: a positive whole number."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise MasteryParameterError(f"n must be a positive whole number such as 3 (got {n!r})")
    return n


def check_maximum(maximum: NumberLike) -> Decimal:
    """The top of the score scale (100 for percentages, 4 for a 1–4 scale): more than 0."""
    number = to_decimal(maximum, "maximum", MasteryParameterError)
    if number <= 0:
        raise MasteryParameterError(f"maximum must be more than 0 (got {maximum})")
    return number


@dataclass(frozen=True, slots=True)
class MasteryPolicy:
    """Everything that decides how evidence becomes a score and a level.

    ``decay`` is used only by ``decaying_average``, ``weight`` only by ``weighted_average``
    and ``n`` only by ``n_mastery``; all three are validated whatever the method, so a stored
    setting can never hold an out-of-range value.
    """

    method: str = DEFAULT_METHOD
    decay: Decimal = DEFAULT_DECAY
    weight: Decimal = DEFAULT_WEIGHT
    n: int = DEFAULT_N
    scale: Scale = field(default=THREE_LEVEL_SCALE)

    def __post_init__(self) -> None:
        check_method(self.method)
        object.__setattr__(self, "decay", check_decay(self.decay))
        object.__setattr__(self, "weight", check_weight(self.weight))
        check_n(self.n)
        if not isinstance(self.scale, Scale):
            raise MasteryParameterError(f"scale must be a Scale (got {self.scale!r})")

    @property
    def method_name(self) -> str:
        """The method's name for people ("Decaying average")."""
        return METHOD_NAMES[self.method]

    def parameters(self) -> dict[str, str | int]:
        """The parameters the method actually uses, for explanations and JSON."""
        if self.method == "decaying_average":
            return {"decay": str(self.decay)}
        if self.method == "weighted_average":
            return {"weight": str(self.weight)}
        if self.method == "n_mastery":
            return {"n": self.n, "mastery_cut": str(self.scale.mastery_level.cut)}
        return {}
