"""Assessments with items in a tracker: the paper score sheet, the item analysis, and the
correction of a key (previewed, then rescored).

The score sheet is a plain form (students down, items across) that saves as a whole without
JavaScript; ``trackers.js`` only moves the cursor down a column on Enter. Cells not changed
since the page was drawn are not sent to the service, so two teachers entering different
columns do not overwrite each other.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from masterly.assessments.items.key_corrections import KeyChange
from masterly.assessments.items.models import CHOICE_TYPES, InteractionType
from masterly.assessments.models import Assessment
from masterly.assessments.responses.keys import PlacedItem, placed_items
from masterly.portals.trackers.score_sheet import Saved, Sheet, score_sheet_page
from masterly.portals.trackers.views import _user
from masterly.roster.models import Section
from masterly.trackers.models import Tracker
from masterly.trackers.selectors import grid as grids
from masterly.trackers.selectors.item_analysis import (
    analysis_tracker_or_404,
    item_analysis,
    tracker_assessment_or_404,
)
from masterly.trackers.selectors.paper_entry import hint, score_sheet
from masterly.trackers.selectors.trackers import can_score_tracker, tracker_or_404
from masterly.trackers.services.paper_scores import paper_scores_save
from masterly.trackers.services.rescoring import rescore_apply, rescore_preview


def _chosen_section(request: HttpRequest, sections: list[Section]) -> Section | None:
    wanted = request.GET.get("section", "")
    return next((s for s in sections if str(s.pk) == wanted), None)


@require_http_methods(["GET", "POST"])
@login_required
def paper_scores(request: HttpRequest, tracker_id: int, assessment_id: int) -> HttpResponse:
    return score_sheet_page(
        request,
        tracker_id,
        assessment_id,
        assessment_or_404=tracker_assessment_or_404,
        save=_save_paper,
        drawn=_paper_sheet,
        template="portals/trackers/paper_scores.html",
    )


def _save_paper(request: HttpRequest, tracker: Tracker, assessment: Assessment) -> Saved:
    cells = _changed_cells(request)
    try:
        summary = paper_scores_save(
            actor=_user(request), tracker=tracker, assessment=assessment, cells=cells
        )
    except ValidationError as problem:
        return Saved(
            errors={key: " ".join(texts) for key, texts in problem.message_dict.items()},
            typed={f"{s}-{p}": text for (s, p), text in cells.items()},
        )
    return Saved(message=_saved_message(len(cells), summary.total))


def _paper_sheet(request: HttpRequest, sheet: Sheet) -> dict[str, Any]:
    chosen = _chosen_section(request, sheet.sections)
    items, rows = score_sheet(
        request.user, sheet.tracker, sheet.assessment, [chosen] if chosen else sheet.sections
    )
    for row in rows:
        for cell in row.cells:
            cell.error = sheet.errors.get(cell.key, "")
            cell.shown = cell.typed
            cell.typed = sheet.typed.get(cell.key, cell.typed)
    return {
        "columns": [(item, hint(item)) for item in items],
        "rows": rows,
        "errors": list(sheet.errors.values()),
    }


def _changed_cells(request: HttpRequest) -> dict[tuple[int, int], str]:
    """The cells whose text differs from what the page showed (``cell-<student>-<item>``)."""
    cells = {}
    for name in request.POST:
        if not name.startswith("cell-"):
            continue
        value = request.POST.get(name, "")
        key = name.removeprefix("cell-")
        if value.strip() == request.POST.get(f"shown-{key}", "").strip():
            continue
        student, _, placement = key.partition("-")
        if student.isdigit() and placement.isdigit():
            cells[(int(student), int(placement))] = value
    return cells


def _saved_message(cells: int, scores: int) -> str:
    entered = ngettext("%(n)d answer saved", "%(n)d answers saved", cells) % {"n": cells}
    changed = ngettext(
        "%(n)d score on a standard recorded or changed",
        "%(n)d scores on standards recorded or changed",
        scores,
    ) % {"n": scores}
    return f"{entered}; {changed}."


@require_GET
@login_required
def analysis(request: HttpRequest, tracker_id: int, assessment_id: int) -> HttpResponse:
    tracker = analysis_tracker_or_404(request.user, tracker_id)
    assessment = tracker_assessment_or_404(tracker, assessment_id)
    sections = grids.tracker_sections(tracker)
    chosen = _chosen_section(request, sections)
    result = item_analysis(request.user, tracker, assessment, section=chosen)
    standards = {
        a.standard_id: a.standard for a in assessment.alignments.select_related("standard")
    }
    return render(
        request,
        "portals/trackers/item_analysis.html",
        {
            "tracker": tracker,
            "assessment": assessment,
            "analysis": result,
            "standards": [(standards.get(s.standard_id), s) for s in result.standards],
            "sections": sections,
            "section_value": request.GET.get("section", ""),
            "can_score": not tracker.is_archived and can_score_tracker(request.user, tracker),
        },
    )


# ------------------------------------------------------------------ correcting a key


def _correctable(
    tracker: Tracker, assessment_id: int, placement_id: int
) -> tuple[Assessment, PlacedItem]:
    assessment = tracker_assessment_or_404(tracker, assessment_id)
    for item in placed_items(assessment.pk):
        if item.placement_id == placement_id:
            return assessment, item
    raise Http404("No such item in this assessment.")


@require_http_methods(["GET", "POST"])
@login_required
def key_correction(
    request: HttpRequest, tracker_id: int, assessment_id: int, placement_id: int
) -> HttpResponse:
    tracker = tracker_or_404(request.user, tracker_id)
    if tracker.is_archived or not can_score_tracker(request.user, tracker):
        raise PermissionDenied("Only the owner and collaborators rescore (not when archived).")
    assessment, item = _correctable(tracker, assessment_id, placement_id)
    error = ""
    preview = None
    change = None
    if request.method == "POST":
        try:
            change = _change(request, item)
            if request.POST.get("step") == "confirm":
                summary = rescore_apply(
                    actor=_user(request),
                    tracker=tracker,
                    assessment=assessment,
                    placement_id=placement_id,
                    change=change,
                )
                messages.success(
                    request,
                    f"Item {item.number} rescored: {summary.changed} scores on standards revised "
                    f"for {len(summary.students)} students.",
                )
                return redirect("assessment_analysis", tracker.pk, assessment.pk)
            preview = rescore_preview(
                actor=_user(request),
                tracker=tracker,
                assessment=assessment,
                placement_id=placement_id,
                change=change,
            )
        except ValidationError as problem:
            error = " ".join(problem.messages)
    return render(
        request,
        "portals/trackers/key_correction.html",
        {
            "tracker": tracker,
            "assessment": assessment,
            "item": item,
            "choices": list(item.key_version.choices.all()),
            "is_choice": item.key.interaction in CHOICE_TYPES,
            "is_multiple": item.key.interaction == InteractionType.MULTIPLE_SELECT,
            "chosen": change.correct if change and change.correct is not None else item.key.correct,
            "form": request.POST,
            "error": error,
            "preview": preview,
        },
        status=400 if error else 200,
    )


def _change(request: HttpRequest, item: PlacedItem) -> KeyChange:
    kind = item.key.interaction
    if kind in CHOICE_TYPES:
        positions = {int(p) for p in request.POST.getlist("correct") if p.isdigit()}
        return KeyChange(correct=frozenset(positions))
    if kind == InteractionType.NUMERIC:
        return KeyChange(
            numeric_answer=_decimal(request.POST.get("numeric_answer", ""), "numeric_answer"),
            numeric_tolerance=_decimal(
                request.POST.get("numeric_tolerance", ""), "numeric_tolerance"
            ),
        )
    return KeyChange(accepted_answers=request.POST.get("accepted_answers", "").splitlines())


def _decimal(text: str, field: str) -> Decimal:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise ValidationError(
            {field: f"'{text}' is not a number; type digits, e.g. 4.25."}
        ) from None
    if not value.is_finite() or abs(value) >= Decimal(10) ** 12:
        raise ValidationError({field: f"'{text}' is out of range."})
    return value
