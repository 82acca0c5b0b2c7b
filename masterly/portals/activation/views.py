"""/activate/: a guardian types the code from their letter (or follows their activation email),
then chooses the username or email and password they will sign in with."""

from __future__ import annotations

from allauth.core.internal import ratelimit
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from masterly.portals.activation.forms import ChooseSignInForm, CodeForm
from masterly.portals.roles import choose_role
from masterly.roster.activation import (
    CODE_REFUSED,
    activation_code_by_id,
    activation_code_find,
    activation_complete,
    code_id_from_email_token,
)
from masterly.roster.models import Role

SESSION_CODE = "masterly_activation_code"
SESSION_EMAIL_VERIFIED = "masterly_activation_email"  # the roster email the link went to
RATE_APP, RATE_ACTION = "allauth.account", "activation_code"
BACKEND = "django.contrib.auth.backends.ModelBackend"


def _paused_message() -> str:
    rates = ratelimit.get_rates(app=RATE_APP, action=RATE_ACTION)
    minutes = max((int(rate.duration // 60) or 1 for rate in rates), default=1)
    return ngettext(
        "Too many activation codes were typed from your network. Try again in %(minutes)d minute.",
        "Too many activation codes were typed from your network. Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


@require_http_methods(["GET", "POST"])
def activate(request: HttpRequest) -> HttpResponse:
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not ratelimit.consume(request, app=RATE_APP, action=RATE_ACTION):
            form.add_error(None, _paused_message())
            status = 429
        elif form.is_valid():
            code = activation_code_find(form.cleaned_data["code"])
            if code is None:
                form.add_error("code", str(CODE_REFUSED))
                status = 400
            else:
                request.session[SESSION_CODE] = code.pk
                request.session.pop(SESSION_EMAIL_VERIFIED, None)
                return redirect("activate_choose")
        else:
            status = 400
    return render(request, "activation/activate.html", {"form": form}, status=status)


@require_http_methods(["GET"])
def activate_from_email(request: HttpRequest, token: str) -> HttpResponse:
    code_id = code_id_from_email_token(token)
    code = activation_code_by_id(code_id) if code_id is not None else None
    if code is None:
        context = {"form": CodeForm(), "refusal": CODE_REFUSED}
        return render(request, "activation/activate.html", context, status=400)
    request.session[SESSION_CODE] = code.pk
    request.session[SESSION_EMAIL_VERIFIED] = code.guardian.email
    return redirect("activate_choose")


@require_http_methods(["GET", "POST"])
def activate_choose(request: HttpRequest) -> HttpResponse:
    code = activation_code_by_id(request.session.get(SESSION_CODE, ""))
    if code is None:
        request.session.pop(SESSION_CODE, None)
        return redirect("activate")
    guardian = code.guardian
    initial = {"email": guardian.email}
    form = ChooseSignInForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        verified_email = request.session.get(SESSION_EMAIL_VERIFIED) or ""
        try:
            user = activation_complete(
                code_id=code.pk,
                username=data["username"],
                email=data["email"],
                password=data["password1"],
                email_verified=bool(data["email"])
                and data["email"].lower() == verified_email.lower(),
            )
        except ValidationError as error:
            code_name = getattr(error, "code", None)  # a list of password errors has none
            if code_name == "code_refused":
                request.session.pop(SESSION_CODE, None)
                return redirect("activate")
            field = "username" if code_name == "username_taken" else "password1"
            form.add_error(field, error)
        else:
            login(request, user, backend=BACKEND)
            choose_role(request, Role.GUARDIAN)
            return redirect("family_home")
    status = 400 if form.errors else 200
    return render(
        request, "activation/choose.html", {"form": form, "guardian": guardian}, status=status
    )
