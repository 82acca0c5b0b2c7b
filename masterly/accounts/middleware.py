"""A student signed in with a teacher's temporary code chooses their own password first."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse

from masterly.accounts.temporary_passwords import MUST_CHOOSE_KEY

# Where such a student may still go: the page to choose a password, and signing out.
ALLOWED_URL_NAMES = ("own_password_choose", "account_logout")


class ChooseOwnPasswordMiddleware:
    """Sends every other page to the choose-a-password page while the session says so (set at
    sign-in by the account adapter: no query on other requests)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        # Only a request with a session cookie can be signed in (nor is the session touched,
        # so other responses do not vary on the cookie).
        signed_in = settings.SESSION_COOKIE_NAME in request.COOKIES
        if signed_in and request.session.get(MUST_CHOOSE_KEY) and not self._allowed(request.path):
            response: HttpResponse = redirect("own_password_choose")
            return response
        return self.get_response(request)

    @staticmethod
    def _allowed(path: str) -> bool:
        if settings.STATIC_URL and path.startswith(settings.STATIC_URL):
            return True
        return path in {reverse(name) for name in ALLOWED_URL_NAMES}
