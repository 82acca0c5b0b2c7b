"""Activation codes as people read and type them, and the keyed hash Masterly stores.

The strict alphabet without look-alikes (``masterly.core.readable_codes``: no 0/O/Q/D, 1/I/L,
2/Z, 5/S, 8/B, U/V): 21 characters, 12 of them (about 52 bits) grouped by four. Typing
ignores case, spaces and dashes.
"""

from __future__ import annotations

from django.utils.crypto import salted_hmac

from masterly.core.readable_codes import READABLE_STRICT, random_code, typed_code

ALPHABET = READABLE_STRICT
GROUPS = 3
GROUP_SIZE = 4
LENGTH = GROUPS * GROUP_SIZE
_HASH_SALT = "masterly.accounts.activation_code"


def new_code() -> str:
    """A fresh random code, grouped for reading: ``K7CX-M4RT-W9HP``."""
    return format_code(random_code(LENGTH, ALPHABET))


def format_code(raw: str) -> str:
    return "-".join(raw[i : i + GROUP_SIZE] for i in range(0, len(raw), GROUP_SIZE))


def normalize(typed: str) -> str | None:
    """The code as stored (no separators, upper case), or None when it cannot be one."""
    return typed_code(typed, length=LENGTH, alphabet=ALPHABET)


def code_hash(code: str) -> str:
    """The keyed hash stored for a normalized code (SECRET_KEY is the key)."""
    return salted_hmac(_HASH_SALT, code, algorithm="sha256").hexdigest()
