"""Masterly's mastery engine: evidence in, score and level out, with the reasons.

Pure Python on plain data (stdlib only: no Django, nothing else of Masterly), so the rules
of the product brief live in one place that is fast to test exhaustively. The Django layer
turns evidence rows into :class:`Evidence`, tracker settings into a :class:`MasteryPolicy`,
and stores what :func:`calculate` returns.

    >>> from masterly.mastery import calculate_values
    >>> result = calculate_values([1, 2, 3, 4], "decaying_average", maximum=4)
    >>> result.score, result.level.abbreviation
    (Decimal('3.48'), 'M')
"""

from .engine import DEFAULT_POLICY, calculate, calculate_values, describe_level, override
from .errors import (
    EvidenceError,
    MasteryError,
    MasteryParameterError,
    OverrideError,
    ScaleError,
    UnknownMethodError,
)
from .evidence import Evidence, evidence_series, in_order
from .explain import EvidenceUse, Override, Step
from .fast import Scorer, score_values
from .methods import decaying_extend
from .policy import (
    DECAY_RANGE,
    DEFAULT_DECAY,
    DEFAULT_METHOD,
    DEFAULT_N,
    DEFAULT_WEIGHT,
    METHOD_IDS,
    METHOD_NAMES,
    WEIGHT_RANGE,
    MasteryPolicy,
    check_method,
)
from .result import MasteryResult
from .rounding import round_half_up
from .scales import (
    FOUR_LEVEL_SCALE,
    NOT_ASSESSED,
    THREE_LEVEL_SCALE,
    ColourMode,
    Level,
    LevelColours,
    Scale,
    readable_text_colour,
    scale_from_cuts,
)

__all__ = [
    "DECAY_RANGE",
    "DEFAULT_DECAY",
    "DEFAULT_METHOD",
    "DEFAULT_N",
    "DEFAULT_POLICY",
    "DEFAULT_WEIGHT",
    "FOUR_LEVEL_SCALE",
    "METHOD_IDS",
    "METHOD_NAMES",
    "NOT_ASSESSED",
    "THREE_LEVEL_SCALE",
    "WEIGHT_RANGE",
    "ColourMode",
    "Evidence",
    "EvidenceError",
    "EvidenceUse",
    "Level",
    "LevelColours",
    "MasteryError",
    "MasteryParameterError",
    "MasteryPolicy",
    "MasteryResult",
    "Override",
    "OverrideError",
    "Scale",
    "ScaleError",
    "Scorer",
    "Step",
    "UnknownMethodError",
    "calculate",
    "calculate_values",
    "check_method",
    "decaying_extend",
    "describe_level",
    "evidence_series",
    "in_order",
    "override",
    "readable_text_colour",
    "round_half_up",
    "scale_from_cuts",
    "score_values",
]
