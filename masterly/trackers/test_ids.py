"""Test IDs: six characters a student types to find an assignment.

The alphabet leaves out look-alikes (0/O, 1/I/L, 2/Z, 5/S, 8/B, U/V), so what a teacher
writes on the board is read one way. Lookups ignore case and surrounding spaces.
"""

from __future__ import annotations

import secrets

from masterly.trackers.assignments import TEST_ID_LENGTH

ALPHABET = "34679ACDEFGHJKMNPQRTWXY"


def new_test_id() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(TEST_ID_LENGTH))


def normal_test_id(typed: str) -> str:
    return "".join(typed.split()).upper()
