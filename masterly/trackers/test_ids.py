"""Test IDs: six characters a student types to find an assignment.

Drawn from the alphabet without look-alikes (``masterly.core.readable_codes``), so what a
teacher writes on the board is read one way. Lookups ignore case, spaces and dashes.
"""

from __future__ import annotations

from masterly.core.readable_codes import READABLE as ALPHABET
from masterly.core.readable_codes import random_code, squeezed
from masterly.trackers.assignments import TEST_ID_LENGTH

__all__ = ["ALPHABET", "new_test_id", "normal_test_id"]


def new_test_id() -> str:
    return random_code(TEST_ID_LENGTH)


def normal_test_id(typed: str) -> str:
    return squeezed(typed)
