"""Codes people read off paper or a board and type back: Test IDs, activation codes and
temporary passwords.

The alphabet leaves out characters that look alike in print or handwriting (0/O, 1/I/L, 2/Z,
5/S, 8/B, U/V), so a code is read one way. Typing ignores case, spaces and dashes.
"""

from __future__ import annotations

import secrets

READABLE = "34679ACDEFGHJKMNPQRTWXY"
# Activation letters also drop D and Q, which read as 0 and O in some typefaces.
READABLE_STRICT = "34679ACEFGHJKMNPRTWXY"

_SEPARATORS = frozenset("-–—_.")


def random_code(length: int, alphabet: str = READABLE) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(length))


def squeezed(typed: str) -> str:
    """What was typed, in capitals, without spaces or dashes."""
    return "".join(ch for ch in typed.upper() if not ch.isspace() and ch not in _SEPARATORS)


def typed_code(typed: str, *, length: int, alphabet: str = READABLE) -> str | None:
    """The code someone typed, if it can be one: ``length`` characters of ``alphabet``."""
    code = squeezed(typed)
    if len(code) == length and set(code) <= set(alphabet):
        return code
    return None
