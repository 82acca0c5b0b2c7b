"""Sign in with Google or Clever: only into an account the roster already has (issue 14).

allauth's social sign-up is closed; ``pre_social_login`` connects the provider's account to
the one Masterly account it matches (``masterly.roster.social_sign_in``) or refuses with a
page that says what to do. allauth's own login flow then runs, so two-factor authentication
still applies to staff who set it up.
"""

from __future__ import annotations

from typing import Any, NoReturn

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.http import HttpRequest
from django.shortcuts import render

from masterly.roster.social_sign_in import (
    account_by_sis_id,
    account_by_verified_email,
    account_still_reachable,
)


def clever_sis_ids(extra_data: dict[str, Any]) -> list[str]:
    """The SIS ids a Clever user record carries, one per role (student, teacher, contact…)."""
    roles = (extra_data.get("data") or {}).get("roles") or {}
    ids = []
    for details in roles.values():
        if isinstance(details, dict) and details.get("sis_id"):
            ids.append(str(details["sis_id"]))
    return ids


class SchoolSocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest, sociallogin: Any) -> bool:
        return False

    def pre_social_login(self, request: HttpRequest, sociallogin: Any) -> None:
        if sociallogin.state.get("process") == "connect":
            return  # a signed-in person links a provider to their own account (allauth's page)
        if sociallogin.is_existing:
            if not account_still_reachable(sociallogin.user):
                self._refuse(request, sociallogin)
            return
        provider = sociallogin.account.provider
        if provider == "clever":
            user = account_by_sis_id(clever_sis_ids(sociallogin.account.extra_data))
        else:
            verified = [a.email for a in sociallogin.email_addresses if a.verified]
            user = account_by_verified_email(verified)
        if user is None:
            self._refuse(request, sociallogin)
        sociallogin.connect(request, user)

    def _refuse(self, request: HttpRequest, sociallogin: Any) -> NoReturn:
        response = render(
            request,
            "socialaccount/not_linked.html",
            {"provider": sociallogin.account.get_provider().name},
            status=403,
        )
        raise ImmediateHttpResponse(response)
