"""Exceptions raised by the mastery engine.

All of them derive from :class:`MasteryError`, itself a :class:`ValueError`, so a caller
(a form, an import, the API) can catch one type and show the message as it stands: every
message says what was wrong and what is allowed.
"""


class MasteryError(ValueError):
    """Base class of every error the mastery engine raises on bad input."""


class MasteryParameterError(MasteryError):
    """A calculation parameter (decay, weight, n, maximum) is out of its allowed range."""


class UnknownMethodError(MasteryParameterError):
    """The calculation method identifier is not one of :data:`METHOD_IDS`."""


class ScaleError(MasteryError):
    """A mastery scale (its levels and cut scores) is not valid."""


class EvidenceError(MasteryError):
    """A piece of evidence is not usable (negative points, more than possible, ...)."""


class OverrideError(MasteryError):
    """A teacher override is not valid (no reason, a level outside the scale)."""
