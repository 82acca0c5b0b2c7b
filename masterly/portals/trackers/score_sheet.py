"""The skeleton every score-entry page of a tracker shares (a quick check's standards, a
paper test's items): find the tracker and the assessment given in it, refuse a save to
anyone who may not score (or when archived), save the changed cells, redirect on success or
redraw with each refused cell's message and what was typed (400), filtered by section.
Each page brings what differs: how it saves, and what it draws.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from masterly.assessments.models import Assessment
from masterly.roster.models import Section
from masterly.trackers.models import Tracker
from masterly.trackers.selectors import grid as grids
from masterly.trackers.selectors.trackers import can_score_tracker, tracker_or_404


@dataclass
class Saved:
    """What a save did: the refused cells' messages and typed text (by cell key), or the
    message that tells what was saved."""

    errors: dict[str, str] = field(default_factory=dict)
    typed: dict[str, str] = field(default_factory=dict)
    message: str = ""


@dataclass(frozen=True)
class Sheet:
    tracker: Tracker
    assessment: Assessment
    sections: list[Section]
    errors: Mapping[str, str]
    typed: Mapping[str, str]


def score_sheet_page(
    request: HttpRequest,
    tracker_id: int,
    assessment_id: int,
    *,
    assessment_or_404: Callable[[Tracker, int], Assessment],
    save: Callable[[HttpRequest, Tracker, Assessment], Saved],
    drawn: Callable[[HttpRequest, Sheet], dict[str, Any]],
    template: str,
) -> HttpResponse:
    tracker = tracker_or_404(request.user, tracker_id)
    assessment = assessment_or_404(tracker, assessment_id)
    can_score = not tracker.is_archived and can_score_tracker(request.user, tracker)
    saved = Saved()
    if request.method == "POST":
        if not can_score:
            raise PermissionDenied
        saved = save(request, tracker, assessment)
        if not saved.errors:
            messages.success(request, saved.message)
            return redirect(request.get_full_path())
    sections = grids.tracker_sections(tracker)
    sheet = Sheet(tracker, assessment, sections, saved.errors, saved.typed)
    return render(
        request,
        template,
        {
            "tracker": tracker,
            "assessment": assessment,
            "can_score": can_score,
            "sections": sections,
            "section_value": request.GET.get("section", ""),
            **drawn(request, sheet),
        },
        status=400 if saved.errors else 200,
    )
