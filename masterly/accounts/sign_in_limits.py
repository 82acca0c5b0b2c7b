"""Sign-in rate limits that protect accounts without punishing a school's shared address.

Two counters of *failed* password sign-ins, both in allauth's rate-limit store (Django's cache):

- per account (allauth's ``login_failed`` action, ``/key`` rates): keyed on the id of the user a
  login string names, so the username and every email address of an account share one counter
  (case-insensitive); a login string that names nobody is counted under itself, so a locked
  account and an unknown one answer alike. An attempt is counted before the password is
  checked (parallel guesses cannot slip past the limit) and a correct password clears it.
- per address (Masterly's ``login_failed_address`` action, ``/ip`` rates): a ceiling sized for
  hundreds of students behind one NAT address; only failures are counted, so correct sign-ins
  never use it up.

The limits are ``ACCOUNT_RATE_LIMITS`` in ``config/settings.py`` (from ``SIGNIN_*`` in the
environment). ``allauth.core.internal.ratelimit`` is the module allauth's own adapter uses
(the version is pinned in requirements.lock; the tests in tests/accounts/ exercise every call
made to it). Resolving a login string happens before anyone is signed in, so it reads the user
table directly instead of through ``masterly.roster.access`` (which answers for an acting user).
"""

from __future__ import annotations

import math
import time

from allauth.core.internal import ratelimit
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import ngettext

APP = "allauth.account"
ACCOUNT_FAILURES = "login_failed"  # allauth's own action; its MFA code check counts here too
ADDRESS_FAILURES = "login_failed_address"


def account_keys(credentials: dict[str, str]) -> list[str]:
    """The failure-counter keys of the accounts a login string names (usually one)."""
    login = (credentials.get("email") or credentials.get("username") or "").strip()
    names = Q(username__iexact=login)
    if "@" in login:
        names |= Q(email__iexact=login) | Q(emailaddress__email__iexact=login)
    user_ids = sorted(set(get_user_model().objects.filter(names).values_list("pk", flat=True)))
    if user_ids:
        return [user_key(user_id) for user_id in user_ids]
    return [f"login:{login.lower()}"]


def user_key(user_id: object) -> str:
    return f"user:{user_id}"


def check_before_password(request: HttpRequest, keys: list[str]) -> None:
    """Refuse (ValidationError) a paused address or account; count this attempt for each."""
    if address_paused(request):
        minutes = window_minutes(ADDRESS_FAILURES)
        raise ValidationError(
            ngettext(
                "Too many failed sign-ins from your network. Try again in %(minutes)d minute.",
                "Too many failed sign-ins from your network. Try again in %(minutes)d minutes.",
                minutes,
            )
            % {"minutes": minutes},
            code="address_paused",
        )
    for key in keys:
        if not ratelimit.consume(request, app=APP, action=ACCOUNT_FAILURES, key=key):
            minutes = window_minutes(ACCOUNT_FAILURES)
            raise ValidationError(
                ngettext(
                    "Too many wrong passwords for this username or email address: sign-in is "
                    "paused. Try again in %(minutes)d minute, or reset your password.",
                    "Too many wrong passwords for this username or email address: sign-in is "
                    "paused. Try again in %(minutes)d minutes, or reset your password.",
                    minutes,
                )
                % {"minutes": minutes},
                code="account_paused",
            )


def address_paused(request: HttpRequest) -> bool:
    """Read without allauth's lock, so a burst of correct sign-ins never queues on the address."""
    now = time.time()
    for rate in ratelimit.get_rates(app=APP, action=ADDRESS_FAILURES):
        key = ratelimit.get_cache_key(request, app=APP, action=ADDRESS_FAILURES, rate=rate)
        allowed, _ = ratelimit.apply_rate(list(cache.get(key, [])), now, rate, dry_run=True)
        if not allowed:
            return True
    return False


def record_address_failure(request: HttpRequest) -> None:
    ratelimit.consume(request, app=APP, action=ADDRESS_FAILURES)


def clear_account(request: HttpRequest, keys: list[str]) -> None:
    for key in keys:
        ratelimit.clear(request, app=APP, action=ACCOUNT_FAILURES, key=key)


def window_minutes(action: str) -> int:
    """How long a throttle lasts at most: the longest window of the action's rates."""
    rates = ratelimit.get_rates(app=APP, action=action)
    return max((math.ceil(rate.duration / 60) for rate in rates), default=1)
