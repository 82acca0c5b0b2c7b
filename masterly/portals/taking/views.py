"""The student's pages for taking an assessment: find it by Test ID, start (or resume), answer
(every answer saved as it is given: JSON from the page's script, or the form without it),
flag, review and submit. Only students reach them, and only their own attempts on
assessments assigned to them (404 for anything else: never whether it exists)."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from masterly.accounts.models import User
from masterly.assessments.models import Attempt
from masterly.portals.roles import act_as
from masterly.portals.taking import answers as read
from masterly.roster.models import Role
from masterly.trackers.assignments import Assignment
from masterly.trackers.selectors import taking as reads
from masterly.trackers.selectors.assignments import assignment_status
from masterly.trackers.services import taking as writes
from masterly.trackers.services.taking import TakingRefused


def _student(request: HttpRequest) -> User:
    act_as(request, Role.STUDENT)  # 403 for anyone who is not a student
    user = request.user
    if not isinstance(user, User):  # act_as let only a signed-in student through
        raise PermissionDenied
    return user


@login_required
@require_GET
def find(request: HttpRequest) -> HttpResponse:
    """A Test ID typed by the student: its start page if it is assigned to them."""
    student = _student(request)
    typed = request.GET.get("test_id", "")[:40]
    if typed.strip():
        found = reads.assignment_for_test_id(student, typed)
        if found is not None:
            return redirect("taking:start", assignment_id=found.pk)
        messages.error(
            request,
            _(
                "No assessment with Test ID “%(typed)s” is assigned to you. "
                "Check it with your teacher."
            )
            % {"typed": typed.strip()},
        )
    return render(request, "portals/taking/find.html", {"typed": typed})


@login_required
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, assignment_id: int) -> HttpResponse:
    student = _student(request)
    assignment = reads.student_assignment_or_404(student, assignment_id)
    if request.method == "POST":
        try:
            attempt = writes.attempt_start(student=student, assignment=assignment)
        except TakingRefused as refusal:
            messages.error(request, str(refusal))
            return redirect("taking:start", assignment_id=assignment.pk)
        return redirect(_attempt_url(attempt, attempt.current_item, assignment))
    now = timezone.now()
    current = reads.open_attempt(student, assignment)
    if current is not None and writes.submit_if_due(current, now=now):
        current = None
    return render(
        request,
        "portals/taking/start.html",
        {
            "assignment": assignment,
            "assessment": assignment.assessment,
            "status": assignment_status(assignment, now),
            "item_count": assignment.assessment.items.count(),
            "attempts_left": reads.attempts_left(student, assignment),
            "attempts_allowed": reads.attempts_allowed(student, assignment),
            "open_attempt": current,
            "limit_minutes": _limit_minutes(student, assignment, now),
        },
    )


def _limit_minutes(student: User, assignment: Assignment, now: datetime.datetime) -> int | None:
    """The student's time limit in minutes (extended time counted), if there is one."""
    if not assignment.time_limit_minutes:
        return None
    ends = writes.attempt_deadline(student=student, assignment=assignment, started_at=now)
    return max(1, round((ends - now).total_seconds() / 60))


def _attempt_url(attempt: Attempt, number: int | None, assignment: Assignment) -> str:
    url = reverse("taking:attempt", args=[attempt.pk])
    if number and assignment.one_item_per_screen:
        url += f"?item={number}"
    return url


def _own(request: HttpRequest, attempt_id: int) -> tuple[User, Attempt, Assignment]:
    student = _student(request)
    attempt, assignment = reads.student_attempt_or_404(student, attempt_id)
    attempt.student = student
    writes.submit_if_due(attempt)  # the lazy check: time up means submitted, on any access
    return student, attempt, assignment


def _own_attempt(request: HttpRequest, attempt_id: int) -> tuple[User, Attempt]:
    """:func:`_own` without the assignment (an answer save and a submission need none)."""
    student = _student(request)
    attempt = reads.student_attempt_only_or_404(student, attempt_id)
    attempt.student = student
    writes.submit_if_due(attempt)
    return student, attempt


@login_required
@require_GET
def attempt_page(request: HttpRequest, attempt_id: int) -> HttpResponse:
    _student, attempt, assignment = _own(request, attempt_id)
    if attempt.submitted_at is not None:
        return render(
            request,
            "portals/taking/submitted.html",
            {"attempt": attempt, "assignment": assignment, "assessment": assignment.assessment},
        )
    items, tools = reads.taking_items(attempt, assignment)
    current = _number(request.GET.get("item"), len(items), attempt.current_item)
    if assignment.one_item_per_screen:
        writes.position_set(attempt=attempt, number=current)
    for item in items:
        item.fingerprint = read.fingerprint(  # type: ignore[attr-defined]
            [c.position for c in item.choices if c.chosen], item.text, item.number_text
        )
    return render(
        request,
        "portals/taking/attempt.html",
        {
            "attempt": attempt,
            "assignment": assignment,
            "assessment": assignment.assessment,
            "items": items,
            "current": current,
            "one_per_screen": assignment.one_item_per_screen,
            "server_now_ms": int(timezone.now().timestamp() * 1000),
            "grace_ms": writes.grace().total_seconds() * 1000,
            "tools": tools,
        },
    )


def _number(raw: str | None, count: int, default: int) -> int:
    try:
        number = int(raw) if raw else default
    except ValueError:
        number = default
    return min(max(number, 1), max(count, 1))


@login_required
@require_POST
def answer_save(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """One answer (JSON, from the page's script) or the page's form (Save / Next / Review)."""
    if read.is_json(request):  # the hot path: the attempt alone (its assignment not needed)
        return _save_json(request, _own_attempt(request, attempt_id)[1])
    _who, attempt, assignment = _own(request, attempt_id)
    not_counted = _save_form(request, attempt)
    go = request.POST.get("go", "")
    if not_counted:
        # A refused save keeps the student on the item they were on, with the reason, rather
        # than taking them to the next item (or the review) as if it had been counted.
        messages.error(request, not_counted)
        go = request.POST.get("current", "")
    elif go == "review":
        return redirect("taking:review", attempt_id=attempt.pk)
    number = _number(go or request.POST.get("current"), 10_000, attempt.current_item)
    return redirect(_attempt_url(attempt, number, assignment))


def _save_json(request: HttpRequest, attempt: Attempt) -> JsonResponse:
    current = None
    try:
        data = read.json_body(request)
        # The item the student is on (another device resumes there).
        current = _number(str(data["current"]), 500, 1) if "current" in data else None
        if data.get("item") is None:
            if current is not None:
                writes.position_set(attempt=attempt, number=current)
            return _state(attempt)
        given = read.given_from_json(data)
        placement = reads.placement_of(attempt, given.placement_id)
        if placement is None:
            raise read.AnswerError(_("No such item in this test; reload the page."))
        saved = writes.answer_save(
            attempt=attempt,
            placement_id=placement.placement_id,
            answer=read.answer_for(placement, given),
            answered_at=given.answered_at,
            current=current,
        )
    except read.AnswerError as problem:
        _keep_position(attempt, current)
        return _state(attempt, status=400, error=str(problem))
    except TakingRefused as refusal:
        attempt.refresh_from_db(fields=["submitted_at"])
        _keep_position(attempt, current)
        return _state(attempt, status=409, error=str(refusal), late=True)
    return _state(attempt, kept=saved.kept)


def _keep_position(attempt: Attempt, current: int | None) -> None:
    """The item the student is on is kept even when the answer sent with it was refused
    (another device resumes there); a submitted attempt keeps its own."""
    if current is not None:
        writes.position_set(attempt=attempt, number=current)


def _state(attempt: Attempt, *, status: int = 200, **extra: Any) -> JsonResponse:
    return JsonResponse({**extra, "state": reads.attempt_state(attempt)}, status=status)


def _save_form(request: HttpRequest, attempt: Attempt) -> str:
    """Save each item of the form the student changed; returns a message for the answers
    not counted ("" when all were)."""
    ids = []
    for raw in request.POST.getlist("items")[:500]:
        try:
            ids.append(int(raw))
        except ValueError:
            continue
    late: list[str] = []
    problems: list[str] = []
    for placement_id in ids:
        given = read.given_from_form(request.POST, placement_id)
        try:
            if read.fingerprint(given.choices, given.text, given.number) == request.POST.get(
                f"item-{placement_id}-was"
            ):
                continue  # untouched: never overwrite a later answer from another device
        except (ValueError, TypeError):
            pass
        number = request.POST.get(f"item-{placement_id}-number-label", "")
        placement = reads.placement_of(attempt, placement_id)
        if placement is None:
            continue
        try:
            writes.answer_save(
                attempt=attempt,
                placement_id=placement_id,
                answer=read.answer_for(placement, given),
            )
        except read.AnswerError as problem:
            problems.append(_("Item %(n)s: %(problem)s") % {"n": number, "problem": problem})
        except TakingRefused:
            late.append(number)
    message = " ".join(problems)
    if late:
        message += " " + ngettext(
            "Time is up: your answer to item %(items)s was not counted.",
            "Time is up: your answers to items %(items)s were not counted.",
            len(late),
        ) % {"items": ", ".join(late)}
    return message.strip()


@login_required
@require_POST
def flag(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """Flag an item to come back to (or unflag it); JSON, or the form's Flag button."""
    _student, attempt, assignment = _own(request, attempt_id)
    try:
        if read.is_json(request):
            data = read.json_body(request)
            placement_id, flagged = data.get("item"), bool(data.get("flagged"))
        else:
            not_counted = _save_form(request, attempt)
            if not_counted:
                messages.error(request, not_counted)
            # The Flag button's value: "<item>:1" to flag it, "<item>:0" to unflag it.
            placement_id, _sep, wanted = request.POST.get("flag_item", "").partition(":")
            flagged = wanted == "1"
        placement = reads.placement_of(attempt, int(str(placement_id)))
        if placement is None:
            raise read.AnswerError(_("No such item in this test; reload the page."))
        writes.flag_set(
            attempt=attempt,
            placement_id=placement.placement_id,
            flagged=flagged,
        )
    except (read.AnswerError, ValueError) as problem:
        if read.is_json(request):
            return _state(attempt, status=400, error=str(problem))
        messages.error(request, str(problem))
    except TakingRefused as refusal:
        if read.is_json(request):
            return _state(attempt, status=409, error=str(refusal), late=True)
        messages.error(request, str(refusal))
    if read.is_json(request):
        return _state(attempt)
    number = _number(request.POST.get("current"), 10_000, attempt.current_item)
    return redirect(_attempt_url(attempt, number, assignment))


@login_required
@require_GET
def review(request: HttpRequest, attempt_id: int) -> HttpResponse:
    _student, attempt, assignment = _own(request, attempt_id)
    if attempt.submitted_at is not None:
        return redirect("taking:attempt", attempt_id=attempt.pk)
    items, _tools = reads.taking_items(attempt, assignment)
    return render(
        request,
        "portals/taking/review.html",
        {
            "attempt": attempt,
            "assignment": assignment,
            "assessment": assignment.assessment,
            "items": items,
            "unanswered": [item for item in items if not item.answered],
            "flagged": [item for item in items if item.flagged],
        },
    )


@login_required
@require_POST
def submit(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """Submit once: a second click or another tab finds it submitted, and nothing changes."""
    student, attempt = _own_attempt(request, attempt_id)
    if attempt.submitted_at is None:
        writes.attempt_submit(attempt_id=attempt.pk, by="student", actor=student)
    return redirect("taking:attempt", attempt_id=attempt.pk)
