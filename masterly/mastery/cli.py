"""``python -m masterly.mastery METHOD SCORE... [--decay D] [--weight W] [--n N] [--max M]
[--cuts 80,50]``: one calculation, printed as one JSON object.

Useful to check a number by hand ("why is this student at NM?") and to show the engine is
the same one the web pages use. Bad input prints what to do on stderr and exits with 2,
printing nothing on stdout, so a script never reads half a result.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from decimal import Decimal
from typing import NoReturn

from .engine import calculate_values
from .errors import MasteryError
from .policy import DEFAULT_DECAY, DEFAULT_N, DEFAULT_WEIGHT, METHOD_IDS, MasteryPolicy
from .rounding import to_decimal
from .scales import THREE_LEVEL_SCALE, scale_from_cuts

PROG = "python -m masterly.mastery"
USAGE_HINT = f"Run '{PROG} --help' to see how to call it."
EXIT_BAD_INPUT = 2


class BadInput(Exception):
    """Input the user can fix; the message says how."""


class _Parser(argparse.ArgumentParser):
    """argparse, but its errors go through :func:`main` like every other bad input."""

    def error(self, message: str) -> NoReturn:
        raise BadInput(message)


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    parser = _Parser(
        prog=PROG,
        description="Compute a mastery score and level from scores, oldest first.",
        epilog=f"Methods: {', '.join(METHOD_IDS)}. "
        f"Example: {PROG} decaying_average 1 2 3 4 --max 4",
    )
    parser.add_argument("method", help="the calculation method, e.g. decaying_average")
    parser.add_argument("scores", nargs="*", metavar="SCORE", help="scores, oldest first")
    parser.add_argument(
        "--decay", default=str(DEFAULT_DECAY), help="decaying_average d (0.50–0.99)"
    )
    parser.add_argument(
        "--weight", default=str(DEFAULT_WEIGHT), help="weighted_average w (0.01–0.99)"
    )
    parser.add_argument("--n", type=int, default=DEFAULT_N, help="n_mastery: how many at mastery")
    parser.add_argument("--max", default="100", help="the top score (default 100: percentages)")
    parser.add_argument(
        "--cuts",
        help="cut scores from the top level down, as percentages of the max "
        "(80,50 → M, NM, R; 90,80,50 → A, M, NM, R; default 80,50)",
    )
    return parser


def _scores(texts: Sequence[str], maximum: Decimal) -> list[Decimal]:
    """The scores as Decimals, each between 0 and ``maximum``."""
    scores = []
    for text in texts:
        try:
            score = to_decimal(text, "a score")
        except ValueError:
            raise BadInput(f"score {text!r} is not a number; give numbers like 3 or 87.5") from None
        if score < 0:
            raise BadInput(f"score {text} is negative; scores go from 0 to the maximum")
        if score > maximum:
            raise BadInput(
                f"score {text} is above the maximum {maximum}; pass a larger --max "
                "(it is 100 unless given)"
            )
        scores.append(score)
    return scores


def _run(argv: Sequence[str] | None) -> dict[str, object]:
    args = build_parser().parse_args(argv)
    try:
        maximum = to_decimal(args.max, "--max")
    except ValueError:
        raise BadInput(f"--max {args.max!r} is not a number; give e.g. --max 4") from None
    if maximum <= 0:
        raise BadInput(f"--max must be more than 0 (got {args.max})")
    scores = _scores(args.scores, maximum)
    if args.cuts is None:
        scale = THREE_LEVEL_SCALE
    else:
        scale = scale_from_cuts([part.strip() for part in args.cuts.split(",")])
    policy = MasteryPolicy(
        method=args.method, decay=args.decay, weight=args.weight, n=args.n, scale=scale
    )
    result = calculate_values(scores, policy, maximum=maximum)
    return {**result.to_dict(), "explanation": result.explain()}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (0, or 2 for bad input)."""
    try:
        output = _run(argv)
    except (BadInput, MasteryError) as exc:
        print(f"{PROG}: error: {exc}\n{USAGE_HINT}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(json.dumps(output, indent=2))
    return 0
