"""Students' passwords: a teacher resets them for a class they teach (a code on screen for one
student, printed cards for several or the whole class); a student signed in with a code
chooses their own password first. Thin views over ``roster.student_passwords`` and
``accounts.temporary_passwords``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from masterly.accounts.temporary_passwords import (
    MUST_CHOOSE_KEY,
    VALID_FOR,
    own_password_choose,
)
from masterly.portals.roles import act_as
from masterly.portals.views import _user
from masterly.roster.models import Role
from masterly.roster.student_passwords import (
    section_students,
    student_passwords_reset,
    taught_section_or_404,
)


@require_http_methods(["GET", "POST"])
@login_required
def section_passwords(request: HttpRequest, section_id: int) -> HttpResponse:
    """The class's students with a reset button each, and cards for the whole class."""
    act_as(request, Role.TEACHER)
    user = _user(request)
    section = taught_section_or_404(user, section_id)
    error = ""
    if request.method == "POST":
        whole_class = request.POST.get("whole_class") == "yes"
        raw = request.POST.getlist("student")
        if not whole_class and not all(value.isdigit() for value in raw):
            error = gettext("The form was not understood; reload the page.")
        else:
            try:
                cards = student_passwords_reset(
                    actor=user,
                    section=section,
                    student_ids=None if whole_class else [int(value) for value in raw],
                )
            except ValidationError as problem:
                error = " ".join(problem.messages)
            else:
                return render(
                    request,
                    "portals/student_passwords/cards.html",
                    {
                        "section": section,
                        "cards": cards,
                        "expires_on": timezone.localdate() + VALID_FOR,
                    },
                )
    return render(
        request,
        "portals/student_passwords/section.html",
        {"section": section, "students": section_students(section), "error": error},
        status=400 if error else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def own_password(request: HttpRequest) -> HttpResponse:
    """Signed in with a teacher's code, the student chooses their own password."""
    user = _user(request)
    data = request.POST if request.method == "POST" else None
    form = SetPasswordForm(user, data, label_suffix="")
    if request.method == "POST" and form.is_valid():
        try:
            own_password_choose(user=user, password=form.cleaned_data["new_password1"])
        except ValidationError as problem:
            form.add_error("new_password1", problem)
        else:
            update_session_auth_hash(request, user)  # stay signed in with the new password
            request.session.pop(MUST_CHOOSE_KEY, None)
            messages.success(request, gettext("Your new password is saved."))
            return redirect("home")
    return render(
        request,
        "portals/student_passwords/choose.html",
        {"form": form},
        status=400 if form.errors else 200,
    )
