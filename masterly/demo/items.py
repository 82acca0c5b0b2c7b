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
    codes = {standard.human_coding_scheme: standard for standard in standards}
    writers = [_multiple_choice, _multiple_select, _true_false, _numeric, _short_text, _extended]
    drafts = []
    for n in range(ITEMS):
        spread = standards[(n * 7) % len(standards)]
        about = Topic((n // len(writers)) % 3, codes, spread, chart, passage)
        drafts.append(writers[n % len(writers)](rng, about, n))
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


@dataclass(frozen=True)
class Topic:
    """What an item is written about: its grade (0: grade 6, 1: 7, 2: 8), the standard its
    content is about (by code), a standard to write a general item on (``spread``: every
    standard gets some), and the shared chart and passage."""

    grade: int
    codes: dict[str, Standard]
    spread: Standard
    chart: ItemImage
    passage: Stimulus

    def standard(self, code: str) -> Standard:
        """The standard ``code`` (``spread`` if the framework lacks it)."""
        return self.codes.get(code, self.spread)


Writer = Callable[[random.Random, Topic, int], ItemDraft]


def _aligned(standard: Standard, points: int = 1) -> tuple[tuple[Standard, Decimal], ...]:
    return ((standard, Decimal(points)),)


def _multiple_choice(rng: random.Random, about: Topic, n: int) -> ItemDraft:
    if n % 24 == 0:
        return ItemDraft(
            interaction="multiple_choice",
            stem=(
                f'<p>How many more dogs than fish do the students own?</p><p><img src="'
                f'/assessments/images/{about.chart.pk}/" alt="{about.chart.alt_text}"></p>'
            ),
            dok=2,
            standards=_aligned(about.standard("6.SP.B.5")),
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
            stimulus=about.passage,
            standards=_aligned(about.standard("6.RP.A.3")),
            choices=(
                ChoiceDraft("30", is_correct=True),
                ChoiceDraft("11", rationale="Added 6 and 5.", dropped_when_reduced=True),
                ChoiceDraft("40", rationale="Used the 8 cups a pitcher fills."),
            ),
        )
    return (_unit_rate, _fraction_of, _slope)[about.grade](rng, about)


def _unit_rate(rng: random.Random, about: Topic) -> ItemDraft:
    rate, hours, later = rng.randint(35, 65), rng.randint(2, 4), rng.randint(5, 9)
    return ItemDraft(
        interaction="multiple_choice",
        stem=(
            f"<p>A car travels {rate * hours} miles in {hours} hours at a constant speed. "
            f"How far does it travel in {later} hours?</p>"
        ),
        dok=2,
        standards=_aligned(about.standard("6.RP.A.3")),
        choices=(
            ChoiceDraft(f"{rate * later} miles", is_correct=True),
            ChoiceDraft(f"{rate * hours + later} miles", rationale="Added the hours."),
            ChoiceDraft(
                f"{rate} miles", rationale="Gave the unit rate.", dropped_when_reduced=True
            ),
            ChoiceDraft(f"{rate * hours * later} miles", rationale="Multiplied by the hours."),
        ),
    )


def _fraction_of(rng: random.Random, about: Topic) -> ItemDraft:
    a, b = rng.randint(2, 9), rng.randint(2, 9)
    whole = b * rng.randint(2, 6)
    key = Decimal(whole * a) / b
    answer = f"{key:.0f}" if key == key.to_integral_value() else f"{key:.2f}"
    return ItemDraft(
        interaction="multiple_choice",
        stem=f"<p>What is \\(\\frac{{{a}}}{{{b}}} \\times {whole}\\)?</p>",
        dok=1,
        standards=_aligned(about.standard("7.NS.A.2")),
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


def _slope(rng: random.Random, about: Topic) -> ItemDraft:
    x1, y1 = rng.randint(-4, 2), rng.randint(-4, 4)
    run = rng.randint(2, 4)
    rise = rng.choice([r for r in range(1, 9) if r != run])
    x2, y2 = x1 + run, y1 + rise * (1 if rng.random() < 0.7 else -1)
    slope = Decimal(y2 - y1) / run
    shown = f"{slope:.0f}" if slope == slope.to_integral_value() else f"{slope:.2f}"
    upside = Decimal(run) / (y2 - y1)
    return ItemDraft(
        interaction="multiple_choice",
        stem=(
            f"<p>What is the slope of the line through \\(({x1}, {y1})\\) and "
            f"\\(({x2}, {y2})\\)?</p>"
        ),
        dok=1,
        standards=_aligned(about.standard("8.F.B.4")),
        choices=(
            ChoiceDraft(shown, is_correct=True),
            ChoiceDraft(f"{upside:.2f}", rationale="Divided the run by the rise."),
            ChoiceDraft(str(y2 - y1), rationale="Gave the rise only.", dropped_when_reduced=True),
            ChoiceDraft(
                str(x2 + y2) if str(x2 + y2) not in {shown, str(y2 - y1)} else str(x2 + y2 + 10),
                rationale="Added the second point's coordinates.",
            ),
        ),
    )


def _multiple_select(rng: random.Random, about: Topic, n: int) -> ItemDraft:
    a, b, c = rng.randint(2, 9), rng.randint(2, 9), rng.randint(2, 9)
    if about.grade == 1:
        return ItemDraft(
            interaction="multiple_select",
            stem=f"<p>Select every expression equivalent to \\({a}(x + {b})\\).</p>",
            dok=2,
            standards=_aligned(about.standard("7.EE.A.1"), 2),
            choices=(
                ChoiceDraft(f"\\({a}x + {a * b}\\)", is_correct=True),
                ChoiceDraft(f"\\({a}({b} + x)\\)", is_correct=True),
                ChoiceDraft(f"\\({a}x + {b}\\)", rationale="Multiplied only the first term."),
                ChoiceDraft(
                    f"\\({a + b}x\\)", rationale="Added the numbers.", dropped_when_reduced=True
                ),
            ),
        )
    if about.grade == 2:
        square = rng.choice([4, 9, 16, 25, 36, 49])
        return ItemDraft(
            interaction="multiple_select",
            stem="<p>Select every irrational number.</p>",
            dok=2,
            standards=_aligned(about.standard("8.NS.A.1"), 2),
            choices=(
                ChoiceDraft(f"\\(\\sqrt{{{c * c + 1}}}\\)", is_correct=True),
                ChoiceDraft("\\(\\pi\\)", is_correct=True),
                ChoiceDraft(f"\\(\\sqrt{{{square}}}\\)", rationale="A perfect square's root."),
                ChoiceDraft(
                    f"\\(\\frac{{{a}}}{{{b}}}\\)",
                    rationale="A fraction is rational.",
                    dropped_when_reduced=True,
                ),
            ),
        )
    return ItemDraft(
        interaction="multiple_select",
        stem=f"<p>Select every expression equal to \\({a} \\times {b}\\).</p>",
        dok=2,
        standards=_aligned(about.standard("6.EE.A.3"), 2),
        choices=(
            ChoiceDraft(f"\\({b} \\times {a}\\)", is_correct=True),
            ChoiceDraft(f"\\({a * b}\\)", is_correct=True),
            ChoiceDraft(f"\\({a} + {b}\\)", rationale="Confused product and sum."),
            ChoiceDraft(
                f"\\({a}^{{{b}}}\\)", rationale="Read it as a power.", dropped_when_reduced=True
            ),
        ),
    )


def _true_false(rng: random.Random, about: Topic, n: int) -> ItemDraft:
    a, b = rng.randint(2, 12), rng.randint(2, 12)
    true = n % 4 != 2
    if about.grade == 1:
        product = a * b if true else -a * b
        stem = f"<p>True or false: \\((-{a}) \\times (-{b}) = {product}\\).</p>"
        code = "7.NS.A.2"
    elif about.grade == 2:
        b = b if (a, b) != (2, 2) else 3  # 2 + 2 = 2 × 2 would make the "false" one true
        shown = a + b if true else a * b
        stem = f"<p>True or false: \\(3^{{{a}}} \\times 3^{{{b}}} = 3^{{{shown}}}\\).</p>"
        code = "8.EE.A.1"
    else:
        value = b if true else b + 1
        stem = f"<p>True or false: \\(x = {value}\\) is a solution of \\(x + {a} = {a + b}\\).</p>"
        code = "6.EE.B.5"
    return ItemDraft(
        interaction="true_false",
        stem=stem,
        dok=1,
        standards=_aligned(about.standard(code)),
        choices=(ChoiceDraft("True", is_correct=true), ChoiceDraft("False", is_correct=not true)),
    )


def _numeric(rng: random.Random, about: Topic, n: int) -> ItemDraft:
    if n % 12 == 3:
        return ItemDraft(
            interaction="numeric",
            stem="How much money does Maya take in when she sells two full pitchers?",
            dok=2,
            stimulus=about.passage,
            standards=_aligned(about.standard("6.RP.A.3"), 2),
            numeric_answer=Decimal("12"),
        )
    a, b = rng.randint(3, 40), rng.randint(3, 9)
    if about.grade == 0:
        return ItemDraft(
            interaction="numeric",
            stem=f"<p>Solve \\(x + {b} = {a + b}\\).</p>",
            dok=1,
            standards=_aligned(about.standard("6.EE.B.7")),
            numeric_answer=Decimal(a),
        )
    if about.grade == 2:
        x = rng.randint(-6, 9)
        return ItemDraft(
            interaction="numeric",
            stem=f"<p>Solve \\({b}x - {a} = {b * x - a}\\).</p>",
            dok=2,
            standards=_aligned(about.standard("8.EE.C.7")),
            numeric_answer=Decimal(x),
        )
    return ItemDraft(
        interaction="numeric",
        stem=f"<p>Write \\(\\frac{{{a}}}{{{b}}}\\) as a decimal, to the nearest hundredth.</p>",
        dok=1,
        standards=_aligned(about.standard("7.NS.A.2")),
        numeric_answer=(Decimal(a) / b).quantize(Decimal("0.01")),
        numeric_tolerance=Decimal("0.01"),
    )


def _short_text(rng: random.Random, about: Topic, n: int) -> ItemDraft:
    if n % 2:
        return ItemDraft(
            interaction="short_text",
            stem=f"<p>In your own words, what does {about.spread.label} ask you to do?</p>",
            dok=2,
            standards=_aligned(about.spread, 2),
            teacher_scored=True,
        )
    a, b, c = rng.randint(2, 9), rng.randint(2, 9), rng.randint(2, 9)
    if about.grade == 1:
        return ItemDraft(
            interaction="short_text",
            stem=f"<p>Name the property shown: \\({a}({b} + {c}) = {a * b} + {a * c}\\).</p>",
            dok=1,
            standards=_aligned(about.standard("7.EE.A.1")),
            accepted_answers=("distributive", "distributive property"),
        )
    return ItemDraft(
        interaction="short_text",
        stem=f"<p>Name the property shown: \\({a} + {b} = {b} + {a}\\).</p>",
        dok=1,
        standards=_aligned(about.standard("6.EE.A.3")),
        accepted_answers=("commutative", "commutative property"),
    )


def _extended(rng: random.Random, about: Topic, n: int) -> ItemDraft:
    levels = (
        ("Not yet", Decimal(0)),
        ("Partly", Decimal(1)),
        ("Mostly", Decimal(2)),
        ("Fully", Decimal(3)),
    )
    standard = about.spread
    statement = standard.full_statement.split(". ")[0].rstrip(".")
    # Both rows judge the same standard: solving it, and explaining the solution.
    return ItemDraft(
        interaction="extended",
        stem=(
            f"<p>Solve a problem of your choice that shows you can: {statement}. Show your "
            "work and explain each step.</p>"
        ),
        dok=3 if n % 4 else 4,
        criteria=(
            CriterionDraft("Solves the problem correctly", standard, levels),
            CriterionDraft("Explains the reasoning", standard, levels[:3]),
        ),
    )
