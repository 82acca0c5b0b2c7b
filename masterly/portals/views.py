from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from masterly.portals.roles import SESSION_KEY, available_roles


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portals/home.html")


def about(request: HttpRequest) -> HttpResponse:
    return render(request, "portals/about.html")


@login_required
@require_POST
def switch_role(request: HttpRequest) -> HttpResponse:
    role = request.POST.get("role", "")
    if role in available_roles(request):
        request.session[SESSION_KEY] = role
    return redirect("home")
