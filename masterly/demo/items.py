"""The demo district's item bank: about 150 items across the grade 6–8 standards.

Every interaction type, some with math (LaTeX), a shared passage and a bar chart drawn here;
all shared with the district and owned by the district admin, written through the item
services as a teacher's would be. Safe to run again: a district that already has its demo
bank keeps it.
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from PIL import Image, ImageDraw

from masterly.accounts.models import User
from masterly.assessments.items import services
from masterly.assessments.items.drafts import ChoiceDraft, CriterionDraft, ItemDraft
from masterly.assessments.items.models import Item, ItemImage, Scope, Stimulus
from masterly.standards.models import Framework, Standard

ITEMS = 150
SEED = 12
GRADES = (",06,", ",07,", ",08,")


@dataclass
class ItemsDemo:
    made: int
    lines: list[str]


def build_items_demo(*, framework: Framework, admin: User) -> ItemsDemo:
    """Write the district's demo items (unless the admin already has items)."""
    if Item.objects.filter(owner=admin).exists():
        return ItemsDemo(0, ["The district item bank is already there."])
    standards = list(
        Standard.objects.filter(
            framework=framework,
            item_type__iexact="standard",
            retired_at__isnull=True,
            grade_keys__in=GRADES,
        ).order_by("tree_path")
    )
    if not standards:
        return ItemsDemo(0, ["No grade 6–8 standards: the item bank was not built."])
    rng = random.Random(SEED)  # noqa: S311 - demo data
    chart = services.image_add(
        actor=admin,
        data=bar_chart_png(),
        filename="pets.png",
        alt_text="Bar chart of pets owned by a class: 8 dogs, 5 cats, 3 fish, 2 birds.",
    )
    passage = services.stimulus_create(
        actor=admin,
        title="The lemonade stand",
        content=(
            "<p>Maya sells lemonade at a stand. Each pitcher uses 6 lemons and \\(\\frac{3}{4}\\) "
            "cup of sugar and fills 8 cups. She sells each cup for $0.75.</p>"
        ),
        scope=Scope.DISTRICT,
    )
    writers = [_multiple_choice, _multiple_select, _true_false, _numeric, _short_text, _extended]
    drafts = [
        writers[n % len(writers)](
            rng,
            standards[(n * 7) % len(standards)],
            standards[(n * 7 + 3) % len(standards)],
            n,
            chart,
            passage,
        )
        for n in range(ITEMS)
    ]
    made = len(services.items_create(actor=admin, drafts=drafts, scope=Scope.DISTRICT))
    return ItemsDemo(made, [f"District item bank: {made} items across grades 6–8."])


def bar_chart_png() -> bytes:
    """A small bar chart (pets in a class), drawn here so the demo ships no image file."""
    # Labelled bars and a counted axis: a student must be able to read the answer off it.
    image = Image.new("RGB", (260, 180), "white")
    draw = ImageDraw.Draw(image)
    draw.line((36, 10, 36, 140, 250, 140), fill="black", width=2)
    for tick in range(0, 9, 2):
        y = 140 - tick * 15
        draw.line((32, y, 36, y), fill="black")
        draw.text((18, y - 6), str(tick), fill="black")
    for index, (name, count, colour) in enumerate(
        [
            ("dogs", 8, "#2b6cb0"),
            ("cats", 5, "#c05621"),
            ("fish", 3, "#2f855a"),
            ("birds", 2, "#6b46c1"),
        ]
    ):
        left = 50 + index * 50
        draw.rectangle((left, 140 - count * 15, left + 30, 140), fill=colour)
        draw.text((left + 2, 148), name, fill="black")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


Writer = Callable[[random.Random, Standard, Standard, int, ItemImage, Stimulus], ItemDraft]


def _aligned(standard: Standard, points: int = 1) -> tuple[tuple[Standard, Decimal], ...]:
    return ((standard, Decimal(points)),)


def _multiple_choice(
    rng: random.Random,
    standard: Standard,
    _other: Standard,
    n: int,
    chart: ItemImage,
    passage: Stimulus,
) -> ItemDraft:
    if n % 24 == 0:
        return ItemDraft(
            interaction="multiple_choice",
            stem=(
                f'<p>How many more dogs than fish do the students own?</p><p><img src="'
                f'/assessments/images/{chart.pk}/" alt="{chart.alt_text}"></p>'
            ),
            dok=2,
            standards=_aligned(standard),
            choices=(
                ChoiceDraft("5", is_correct=True),
                ChoiceDraft("11", rationale="Added the two bars.", dropped_when_reduced=True),
                ChoiceDraft("3", rationale="Read only the fish bar."),
                ChoiceDraft("8", rationale="Read only the dogs bar."),
            ),
        )
    if n % 12 == 6:
        return ItemDraft(
            interaction="multiple_choice",
            stem="How many lemons does Maya need for 5 pitchers?",
            dok=1,
            stimulus=passage,
            standards=_aligned(standard),
            choices=(
                ChoiceDraft("30", is_correct=True),
                ChoiceDraft("11", rationale="Added 6 and 5.", dropped_when_reduced=True),
                ChoiceDraft("40", rationale="Used the 8 cups a pitcher fills."),
            ),
        )
    a, b = rng.randint(2, 9), rng.randint(2, 9)
    whole = b * rng.randint(2, 6)
    right = whole * a // b if whole * a % b == 0 else None
    key = Decimal(whole * a) / b
    answer = str(right) if right is not None else f"{key:.2f}"
    return ItemDraft(
        interaction="multiple_choice",
        stem=f"<p>What is \\(\\frac{{{a}}}{{{b}}}\\) of {whole}?</p>",
        dok=1,
        standards=_aligned(standard),
        choices=(
            ChoiceDraft(answer, is_correct=True),
            ChoiceDraft(str(whole * a), rationale="Multiplied by the numerator only."),
            ChoiceDraft(
                str(whole + a),
                rationale="Added the numerator instead of multiplying.",
                dropped_when_reduced=True,
            ),
            ChoiceDraft(f"{Decimal(whole) / a:.2f}", rationale="Divided by the numerator."),
        ),
    )


def _multiple_select(
    rng: random.Random, standard: Standard, _other: Standard, n: int, _c: ItemImage, _p: Stimulus
) -> ItemDraft:
    a, b = rng.randint(2, 9), rng.randint(2, 9)
    return ItemDraft(
        interaction="multiple_select",
        stem=f"<p>Select every expression equal to \\({a} \\times {b}\\).</p>",
        dok=2,
        standards=_aligned(standard, 2),
        choices=(
            ChoiceDraft(f"\\({b} \\times {a}\\)", is_correct=True),
            ChoiceDraft(f"\\({a * b}\\)", is_correct=True),
            ChoiceDraft(f"\\({a} + {b}\\)", rationale="Confused product and sum."),
            ChoiceDraft(
                f"\\({a}^{{{b}}}\\)", rationale="Read it as a power.", dropped_when_reduced=True
            ),
        ),
    )


def _true_false(
    rng: random.Random, standard: Standard, _other: Standard, n: int, _c: ItemImage, _p: Stimulus
) -> ItemDraft:
    a, b = rng.randint(2, 12), rng.randint(2, 12)
    true = n % 4 != 2
    shown = a + b if true else a + b + 1
    return ItemDraft(
        interaction="true_false",
        stem=f"<p>True or false: \\({a} + {b} = {shown}\\).</p>",
        dok=1,
        standards=_aligned(standard),
        choices=(ChoiceDraft("True", is_correct=true), ChoiceDraft("False", is_correct=not true)),
    )


def _numeric(
    rng: random.Random, standard: Standard, _other: Standard, n: int, _c: ItemImage, _p: Stimulus
) -> ItemDraft:
    if n % 12 == 3:
        return ItemDraft(
            interaction="numeric",
            stem="How much money does Maya take in when she sells two full pitchers?",
            dok=2,
            stimulus=_p,
            standards=_aligned(standard, 2),
            numeric_answer=Decimal("12"),
        )
    a, b = rng.randint(3, 40), rng.randint(3, 9)
    return ItemDraft(
        interaction="numeric",
        stem=f"<p>Find \\({a} \\div {b}\\), to the nearest hundredth.</p>",
        dok=1,
        standards=_aligned(standard),
        numeric_answer=(Decimal(a) / b).quantize(Decimal("0.01")),
        numeric_tolerance=Decimal("0.01"),
    )


def _short_text(
    rng: random.Random, standard: Standard, _other: Standard, n: int, _c: ItemImage, _p: Stimulus
) -> ItemDraft:
    if n % 2:
        return ItemDraft(
            interaction="short_text",
            stem=f"<p>In your own words, what does {standard.label} ask you to do?</p>",
            dok=2,
            standards=_aligned(standard, 2),
            teacher_scored=True,
        )
    a, b = rng.randint(2, 9), rng.randint(2, 9)
    return ItemDraft(
        interaction="short_text",
        stem=f"<p>Name the property shown: \\({a} + {b} = {b} + {a}\\).</p>",
        dok=1,
        standards=_aligned(standard),
        accepted_answers=("commutative", "commutative property"),
    )


def _extended(
    rng: random.Random, standard: Standard, other: Standard, n: int, _c: ItemImage, _p: Stimulus
) -> ItemDraft:
    levels = (
        ("Not yet", Decimal(0)),
        ("Partly", Decimal(1)),
        ("Mostly", Decimal(2)),
        ("Fully", Decimal(3)),
    )
    statement = standard.full_statement.split(". ")[0].rstrip(".")
    return ItemDraft(
        interaction="extended",
        stem=(
            f"<p>Solve a problem of your choice that shows you can: {statement}. Show your "
            "work and explain each step.</p>"
        ),
        dok=3 if n % 4 else 4,
        criteria=(
            CriterionDraft("Solves the problem correctly", standard, levels),
            CriterionDraft(
                "Explains the reasoning", other if other != standard else standard, levels[:3]
            ),
        ),
    )
