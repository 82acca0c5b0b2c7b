"""A student signed in with a teacher's temporary code chooses their own password first;
signed-in people read their saved language."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation

from masterly.accounts.languages import known_language
from masterly.accounts.temporary_passwords import MUST_CHOOSE_KEY

# Where such a student may still go: the page to choose a password, and signing out.
ALLOWED_URL_NAMES = ("own_password_choose", "account_logout", "language_switch")


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


class PreferredLanguageMiddleware:
    """Signed-in people read their saved language (``User.preferred_language``) whatever the
    browser says; the language cookie is set to it too, so the sign-in page after signing out
    stays in it. Runs after AuthenticationMiddleware and LocaleMiddleware; reads no more than
    the user the page loads anyway, and nothing without a session cookie."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        language = None
        if settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated:
            language = known_language(getattr(request.user, "preferred_language", ""))
        if language is None:
            return self.get_response(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        chosen_now = settings.LANGUAGE_COOKIE_NAME in response.cookies  # the switch just set it
        if not chosen_now and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language:
            set_language_cookie(response, language)
        return response


def set_language_cookie(response: HttpResponseBase, language: str) -> None:
    """Django's language cookie, as ``django.views.i18n.set_language`` sets it."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
