"""Response headers Django does not set itself: Permissions-Policy, and no caching of pages
that hold student data.

A shared lab computer's browser must not keep a grid, a student's page or a CSV export in its
cache or its back-forward history, so every response to a signed-in user is ``no-store``
unless its view is marked :func:`holds_no_student_data` (then it keeps its own caching).
Static files never reach this middleware (WhiteNoise answers them earlier).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import patch_cache_control

View = TypeVar("View", bound=Callable[..., Any])

_NO_STUDENT_DATA = "holds_no_student_data"


def holds_no_student_data(view: View) -> View:
    """Mark ``view``: its responses hold no student data, so they may be cached as it says."""
    setattr(view, _NO_STUDENT_DATA, True)
    return view


def permissions_policy(features: list[str]) -> str:
    """``camera=(), microphone=()``: each feature refused to the page and to any frame."""
    return ", ".join(f"{feature}=()" for feature in features)


class ResponseHeadersMiddleware:
    """Adds Permissions-Policy to every response and ``Cache-Control: no-store`` to a
    signed-in user's (placed after AuthenticationMiddleware, which gives ``request.user``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.policy = permissions_policy(settings.PERMISSIONS_POLICY_DISABLED)

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.policy)
        cacheable = getattr(request, _NO_STUDENT_DATA, False)
        if request.user.is_authenticated and not cacheable:
            # Replaces whatever the view said: "no-store" alone is the whole instruction.
            response.headers.pop("Cache-Control", None)
            patch_cache_control(response, no_store=True, private=True)
        return response

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> None:
        setattr(request, _NO_STUDENT_DATA, getattr(view, _NO_STUDENT_DATA, False))
