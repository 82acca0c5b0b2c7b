"""A small standards tree and draft builders for the item bank's tests.

Framework "Math 6": domain RP (cluster RP.A: 6.RP.A.1, 6.RP.A.3) and domain NS (cluster
NS.B: 6.NS.B.2). The people are the roster ``world`` (tests/conftest.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from masterly.accounts.models import User
from masterly.assessments.items.drafts import ChoiceDraft, CriterionDraft, ItemDraft
from masterly.standards.models import Framework, Standard
from masterly.standards.text import code_key


@dataclass
class Tree:
    framework: Framework
    rp: Standard
    rp_a: Standard
    rp_a_1: Standard
    rp_a_3: Standard
    ns: Standard
    ns_b_2: Standard


def _node(
    framework: Framework, code: str, path: str, kind: str, parent: Standard | None
) -> Standard:
    return Standard.objects.create(
        framework=framework,
        identifier=f"id-{code}",
        human_coding_scheme=code,
        code_key=code_key(code),
        full_statement=f"Statement of {code}.",
        item_type=kind,
        tree_path=path,
        depth=path.count(".") + 1,
        parent=parent,
    )


@pytest.fixture
def tree(db: None) -> Tree:
    framework = Framework.objects.create(identifier="math-6", title="Math 6")
    rp = _node(framework, "6.RP", "00001", "Domain", None)
    rp_a = _node(framework, "6.RP.A", "00001.00001", "Cluster", rp)
    rp_a_1 = _node(framework, "6.RP.A.1", "00001.00001.00001", "Standard", rp_a)
    rp_a_3 = _node(framework, "6.RP.A.3", "00001.00001.00002", "Standard", rp_a)
    ns = _node(framework, "6.NS", "00002", "Domain", None)
    ns_b = _node(framework, "6.NS.B", "00002.00001", "Cluster", ns)
    ns_b_2 = _node(framework, "6.NS.B.2", "00002.00001.00001", "Standard", ns_b)
    return Tree(framework, rp, rp_a, rp_a_1, rp_a_3, ns, ns_b_2)


def multiple_choice(
    standard: Standard, stem: str = "What is 3 + 4?", **kwargs: object
) -> ItemDraft:
    fields: dict[str, object] = {
        "interaction": "multiple_choice",
        "stem": stem,
        "dok": 1,
        "standards": ((standard, Decimal(1)),),
        "choices": (
            ChoiceDraft("7", is_correct=True),
            ChoiceDraft("12", rationale="Multiplied instead of adding.", dropped_when_reduced=True),
            ChoiceDraft("1", rationale="Subtracted."),
        ),
    }
    fields.update(kwargs)
    return ItemDraft(**fields)  # type: ignore[arg-type]


def extended(standard: Standard, other: Standard) -> ItemDraft:
    levels = (("Missing", Decimal(0)), ("Partial", Decimal(1)), ("Complete", Decimal(2)))
    return ItemDraft(
        interaction="extended",
        stem="Explain how you found the unit rate.",
        dok=3,
        criteria=(
            CriterionDraft("Finds the rate", standard, levels),
            CriterionDraft("Explains the reasoning", other, levels),
        ),
    )


def school_b_teacher() -> User:
    return User.objects.get(username="school_b_teacher")


@pytest.fixture
def png() -> bytes:
    """A real 120×60 PNG (a red square on white), made here."""
    import io

    from PIL import Image, ImageDraw

    out = io.BytesIO()
    image = Image.new("RGB", (120, 60), "white")
    ImageDraw.Draw(image).rectangle((40, 10, 80, 50), fill=(200, 30, 30))
    image.save(out, format="PNG")
    return out.getvalue()
