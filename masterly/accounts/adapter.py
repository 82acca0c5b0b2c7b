from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class SchoolAccountAdapter(DefaultAccountAdapter):
    """Accounts come from the school's roster (or an activation code), never open sign-up."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False
