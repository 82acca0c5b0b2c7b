"""The printable test and answer key, linked from the composer: one template for the
browser's print view and the PDF (WeasyPrint). The PDF gets math as SVG drawings
(``print_html``; WeasyPrint lays out no MathML); the browser keeps MathML, which it draws
itself, since the SVGs carry style attributes the Content-Security-Policy refuses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from masterly.assessments.composition import selectors
from masterly.assessments.content import print_html
from masterly.assessments.items.drafts import number_text
from masterly.assessments.models import Assessment
from masterly.reports.pdf import pdf_response
from masterly.trackers.selectors.assignments import readable_assessment_or_404

Paper = Literal["test", "key"]


@dataclass
class PrintedChoice:
    letter: str
    html: SafeString
    is_correct: bool


@dataclass
class PrintedItem:
    placed: selectors.Placed
    stimulus_title: str
    stimulus_html: SafeString | None  # printed before this item: the first of its run
    stimulus_printed_at: int | None  # or, printed already: before this item number
    stem_html: SafeString
    choices: list[PrintedChoice]
    numeric_key: tuple[str, str] | None


def _printed(parts: list[selectors.Part], *, for_pdf: bool) -> list[tuple[str, list[PrintedItem]]]:
    def html(source: str) -> SafeString:
        return mark_safe(print_html(source) if for_pdf else source)  # noqa: S308 - sanitised on entry

    printed = []
    for part in parts:
        items = []
        for placed in part.placed:
            version = placed.version
            stimulus = version.stimulus if placed.stimulus_first else None
            again = placed.stimulus_printed_at
            items.append(
                PrintedItem(
                    placed=placed,
                    stimulus_title=stimulus.title if stimulus else "",
                    stimulus_html=(
                        html(stimulus.content_html) if stimulus and again is None else None
                    ),
                    stimulus_printed_at=again,
                    stem_html=html(version.stem_html),
                    choices=[
                        PrintedChoice(c.letter, html(c.content_html), c.is_correct)
                        for c in version.choices.all()
                    ],
                    numeric_key=(
                        (
                            number_text(version.numeric_answer),
                            number_text(version.numeric_tolerance),
                        )
                        if version.numeric_answer is not None
                        else None
                    ),
                )
            )
        printed.append((part.section.title, items))
    return printed


def _context(assessment: Assessment, paper: Paper, *, for_pdf: bool) -> dict[str, object]:
    return {
        "assessment": assessment,
        "paper": paper,
        "for_pdf": for_pdf,
        "sections": _printed(selectors.composition(assessment), for_pdf=for_pdf),
    }


@login_required
def assessment_print(request: HttpRequest, pk: int, paper: Paper) -> HttpResponse:
    assessment = readable_assessment_or_404(request.user, pk)
    return render(
        request, "reports/assessment_print.html", _context(assessment, paper, for_pdf=False)
    )


@login_required
def assessment_pdf(request: HttpRequest, pk: int, paper: Paper) -> HttpResponse:
    assessment = readable_assessment_or_404(request.user, pk)
    html = render_to_string(
        "reports/assessment_print.html", _context(assessment, paper, for_pdf=True), request=request
    )
    name = f"{assessment.title} - answer key" if paper == "key" else assessment.title
    return pdf_response(
        request,
        html,
        filename=f"{name}.pdf",
        item_image=lambda image_id: selectors.assessment_image(assessment, image_id),
    )
