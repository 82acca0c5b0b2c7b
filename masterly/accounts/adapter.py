from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.contrib import messages
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext

from masterly.accounts import sign_in_limits, temporary_passwords
from masterly.accounts.languages import known_language
from masterly.accounts.models import User


class SchoolAccountAdapter(DefaultAccountAdapter):
    """Accounts come from the school's roster (or an activation code), never open sign-up.

    Failed sign-ins are limited per account and per address (``sign_in_limits``), in place of
    allauth's per-login-string counter, which a second login string of the account got around.
    """

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        keys = sign_in_limits.account_keys(credentials)
        sign_in_limits.check_before_password(request, keys)

    def authenticate(self, request: HttpRequest, **credentials: Any) -> AbstractBaseUser | None:
        user = super().authenticate(request, **credentials)
        if user is None:
            user = self._card_code_as_typed(request, credentials)
        if isinstance(user, User) and temporary_passwords.temporary_password_expired(user):
            # A card's code signs in only until its date: the teacher prints a new one.
            expired = gettext("The code on your card has expired: ask your teacher for a new one.")
            messages.error(request, expired)
            self.authentication_failed(request, **credentials)
            return None
        if user is not None:
            # The password was right: earlier failures (a classmate's guesses) are forgotten.
            sign_in_limits.clear_account(request, [sign_in_limits.user_key(user.pk)])
        return user

    def _card_code_as_typed(
        self, request: HttpRequest, credentials: dict[str, Any]
    ) -> AbstractBaseUser | None:
        """A card's code typed in small letters or with the printed gap still signs in, for
        an account whose password is a temporary code (and for no other)."""
        typed = str(credentials.get("password", ""))
        code = temporary_passwords.normal_code(typed)
        if code is None or code == typed:
            return None
        user = super().authenticate(request, **{**credentials, "password": code})
        if isinstance(user, User) and temporary_passwords.must_choose_password(user):
            return user
        return None

    def login(self, request: HttpRequest, user: AbstractBaseUser) -> None:
        super().login(request, user)
        language = known_language(getattr(user, "preferred_language", ""))
        if language:
            # Their saved language from the first page on ("signed in" included); the
            # middleware keeps it and sets the language cookie.
            translation.activate(language)
            request.LANGUAGE_CODE = language
        if isinstance(user, User) and temporary_passwords.must_choose_password(user):
            # Signed in with a teacher's temporary code: their own password comes first.
            request.session[temporary_passwords.MUST_CHOOSE_KEY] = True

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        sign_in_limits.record_address_failure(request)

    def _delete_login_attempts_cached_email(self, request: HttpRequest, **credentials: Any) -> None:
        """allauth calls this for each address of an account whose password was reset."""
        sign_in_limits.clear_account(request, sign_in_limits.account_keys(credentials))
