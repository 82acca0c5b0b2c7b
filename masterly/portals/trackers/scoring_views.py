"""Quick checks and quick score entry.

The entry page is a form of every student's points (a column per standard of the quick
check) that saves as a whole without JavaScript; with it, ``trackers.js`` saves each cell as
it is left (``quick_score``, JSON) and recolours the student's level beside it at once.
The owner and collaborators enter scores.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.text import Truncator
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from masterly.accounts.models import User
from masterly.assessments.models import Assessment, AssessmentItem, AssessmentStandard
from masterly.assessments.selectors import standard_codes_of
from masterly.portals.standards.forms import apply_errors
from masterly.portals.trackers.colours import colour_class
from masterly.portals.trackers.score_sheet import Saved, Sheet, score_sheet_page
from masterly.portals.trackers.settings_forms import QuickCheckForm
from masterly.portals.trackers.views import _colour_mode, _user
from masterly.roster.selectors import today
from masterly.standards.models import Standard
from masterly.standards.text import strip_markup
from masterly.trackers.models import Tracker, TrackerAssessment
from masterly.trackers.selectors import grid as grids
from masterly.trackers.selectors import score_entry
from masterly.trackers.selectors.cells import rollup_for
from masterly.trackers.selectors.students import cell_student_or_404, visible_tracker_students
from masterly.trackers.selectors.trackers import can_score_tracker, tracker_or_404
from masterly.trackers.services.scoring import StaleScore, quick_check_create, quick_score_save


def _scorer_tracker(request: HttpRequest, tracker_id: int) -> Tracker:
    tracker = tracker_or_404(request.user, tracker_id)
    if tracker.is_archived or not can_score_tracker(request.user, tracker):
        raise PermissionDenied("Only the owner and collaborators enter scores (not when archived).")
    return tracker


def _quick_check_or_404(tracker: Tracker, assessment_id: int) -> Assessment:
    try:
        return Assessment.objects.get(pk=assessment_id, trackers_given__tracker=tracker)
    except Assessment.DoesNotExist:
        raise Http404("No such quick check in this tracker.") from None


@require_GET
@login_required
def quick_check_list(request: HttpRequest, tracker_id: int) -> HttpResponse:
    tracker = tracker_or_404(request.user, tracker_id)
    given = list(
        TrackerAssessment.objects.filter(tracker=tracker)
        .annotate(
            has_items=Exists(AssessmentItem.objects.filter(assessment=OuterRef("assessment")))
        )
        .select_related("assessment", "assessment__created_by")
        .order_by("-assessment__assessed_on", "-id")
    )
    codes = standard_codes_of(row.assessment_id for row in given)
    return render(
        request,
        "portals/trackers/quick_checks.html",
        {
            "tracker": tracker,
            "given": [(row, codes.get(row.assessment_id, [])) for row in given],
            "can_score": not tracker.is_archived and can_score_tracker(request.user, tracker),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def quick_check_new(request: HttpRequest, tracker_id: int) -> HttpResponse:
    tracker = _scorer_tracker(request, tracker_id)
    placements = grids.tracker_placements(tracker)
    choices = [
        (p.standard_id, f"{grids.standard_code(p.standard)} — {_short(p.standard)}")
        for p in placements
    ]
    form = QuickCheckForm(
        request.POST or None,
        standards=choices,
        initial={"assessed_on": today(), "points_possible": 4},
    )
    if request.method == "POST" and form.is_valid():
        wanted = set(form.cleaned_data["standards"])
        try:
            assessment = quick_check_create(
                actor=_user(request),
                tracker=tracker,
                title=form.cleaned_data["title"],
                assessed_on=form.cleaned_data["assessed_on"],
                standards=[p.standard for p in placements if p.standard_id in wanted],
                points_possible=form.cleaned_data["points_possible"],
            )
        except ValidationError as problem:
            apply_errors(form, problem)
        else:
            messages.success(
                request, f"Quick check “{assessment.title}” created: enter the scores."
            )
            return redirect("quick_check_scores", tracker.pk, assessment.pk)
    return render(
        request,
        "portals/trackers/quick_check_new.html",
        {"tracker": tracker, "form": form},
        status=400 if form.errors else 200,
    )


def _short(standard: Standard) -> str:
    """The statement as a checkbox label: plain text (a publisher's <em> is not a tag here),
    a long one cut with "…" so it does not read as a finished sentence."""
    statement = strip_markup(standard.abbreviated_statement or standard.full_statement)
    return Truncator(statement).chars(90)


# ------------------------------------------------------------------ entering scores


@require_http_methods(["GET", "POST"])
@login_required
def quick_check_scores(request: HttpRequest, tracker_id: int, assessment_id: int) -> HttpResponse:
    return score_sheet_page(
        request,
        tracker_id,
        assessment_id,
        assessment_or_404=_quick_check_or_404,
        save=_save_changed,
        drawn=_quick_check_sheet,
        template="portals/trackers/quick_check_scores.html",
    )


def _quick_check_sheet(request: HttpRequest, sheet: Sheet) -> dict[str, Any]:
    alignments, rows = score_entry.score_entry_rows(
        request.user,
        sheet.tracker,
        sheet.assessment,
        sheet.sections,
        section=request.GET.get("section") or None,
        mode=_colour_mode(request),
    )
    for _, cells in rows:
        for cell in cells:
            cell.original = cell.points
            if cell.key in sheet.errors:
                cell.error = sheet.errors[cell.key]
                cell.points = sheet.typed.get(cell.key, cell.points)
    return {
        "alignments": alignments,
        "rows": rows,
        "error_count": len(sheet.errors),
        # Every level a saved score may turn a cell to (the page's script swaps classes).
        "colours": grids.swatches(sheet.tracker.mastery_scale(), _colour_mode(request)).values(),
    }


def _save_changed(request: HttpRequest, tracker: Tracker, assessment: Assessment) -> Saved:
    """Save every cell whose points differ from what the page showed (the form, no script)."""
    errors: dict[str, str] = {}
    typed: dict[str, str] = {}
    saved = 0
    students = {s.pk: s for s in visible_tracker_students(request.user, tracker)}
    standards = {
        a.standard_id: a.standard
        for a in AssessmentStandard.objects.filter(assessment=assessment).select_related("standard")
    }
    for name in request.POST:
        if not name.startswith("points-"):
            continue
        value = request.POST.get(name, "")
        key = name.removeprefix("points-")
        if value.strip() == request.POST.get(f"shown-{key}", "").strip():
            continue
        student_id, _, standard_id = key.partition("-")
        student = students.get(int(student_id)) if student_id.isdigit() else None
        standard = standards.get(int(standard_id)) if standard_id.isdigit() else None
        if student is None or standard is None:
            errors[key] = "Not a student and standard of this quick check; reload the page."
            continue
        try:
            quick_score_save(
                actor=_user(request),
                tracker=tracker,
                assessment=assessment,
                student=student,
                standard=standard,
                points=value,
                expected_version=_int(request.POST.get(f"version-{key}")),
            )
        except ValidationError as problem:
            errors[key] = " ".join(problem.messages)
            typed[key] = value
        else:
            saved += 1
    message = ngettext("%(n)d score saved.", "%(n)d scores saved.", saved) % {"n": saved}
    return Saved(errors, typed, message)


def _int(value: object) -> int:
    try:
        return int(str(value))
    except ValueError:
        return -1


@require_POST
@login_required
def quick_score(request: HttpRequest, tracker_id: int, assessment_id: int) -> JsonResponse:
    """Save one cell (the script's call): its new points, version and the student's level."""
    tracker = _scorer_tracker(request, tracker_id)
    assessment = _quick_check_or_404(tracker, assessment_id)
    student = cell_student_or_404(request.user, tracker, request.POST.get("student"))
    try:
        standard = (
            AssessmentStandard.objects.select_related("standard")
            .get(assessment=assessment, standard_id=_int(request.POST.get("standard")))
            .standard
        )
    except AssessmentStandard.DoesNotExist:
        raise Http404("No such standard in this quick check.") from None
    try:
        evidence = quick_score_save(
            actor=_user(request),
            tracker=tracker,
            assessment=assessment,
            student=student,
            standard=standard,
            points=request.POST.get("points", ""),
            expected_version=_int(request.POST.get("version")),
        )
    except StaleScore as stale:
        return JsonResponse(
            {
                "ok": False,
                "error": stale.messages[0],
                "points": score_entry.points_text(stale.current),
                "version": stale.current.version if stale.current else 0,
                **_level(request, tracker, student, standard),
            },
            status=409,
        )
    except ValidationError as problem:
        return JsonResponse({"ok": False, "error": " ".join(problem.messages)}, status=400)
    return JsonResponse(
        {
            "ok": True,
            "points": score_entry.points_text(evidence),
            "version": evidence.version if evidence else 0,
            **_level(request, tracker, student, standard),
        }
    )


def _level(
    request: HttpRequest, tracker: Tracker, student: User, standard: Standard
) -> dict[str, str]:
    rollup = rollup_for(tracker, student, standard)
    colours = grids.swatches(tracker.mastery_scale(), _colour_mode(request))
    swatch = score_entry.level_swatch(colours, rollup)
    return {
        "level": swatch.abbreviation,
        "level_name": swatch.name,
        "colour_class": colour_class(swatch),
        "score": score_entry.score_text(rollup),
    }
