"""Codes read off paper and typed back: no look-alikes, and typing is forgiving."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from masterly.core.readable_codes import (
    READABLE,
    READABLE_STRICT,
    random_code,
    squeezed,
    typed_code,
)

LOOK_ALIKES = set("01OILZS58BUV")


def test_the_alphabets_hold_no_look_alikes() -> None:
    assert not LOOK_ALIKES & set(READABLE)
    assert not (LOOK_ALIKES | {"D", "Q"}) & set(READABLE_STRICT)
    assert set(READABLE_STRICT) < set(READABLE)


@given(code=st.text(alphabet=READABLE, min_size=8, max_size=8), noise=st.sampled_from(" -–_."))
def test_a_code_typed_in_lower_case_with_gaps_is_the_code(code: str, noise: str) -> None:
    typed = f" {code[:4].lower()}{noise}{code[4:]} "
    assert typed_code(typed, length=8) == code
    assert squeezed(typed) == code


def test_a_code_with_a_look_alike_or_the_wrong_length_is_refused() -> None:
    assert typed_code("ABCD-EF0H", length=8) is None  # a zero
    assert typed_code("ACDEFGH", length=8) is None
    assert typed_code("ACDEFGHJK", length=8) is None
    assert typed_code("ACDEFGHD", length=8, alphabet=READABLE_STRICT) is None


def test_random_codes_draw_only_from_their_alphabet() -> None:
    codes = {random_code(12, READABLE_STRICT) for _ in range(200)}
    assert len(codes) == 200
    assert set("".join(codes)) <= set(READABLE_STRICT)
