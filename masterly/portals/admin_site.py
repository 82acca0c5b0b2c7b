"""Django admin for district admins.

Who may use ``/admin/`` is decided by the roster, not by ``is_staff``: active superusers and
active users holding an active district admin role. Sign-in goes through allauth (its rate
limits apply), never through the admin's own login form. District admins get the model
permissions for the apps in :data:`DISTRICT_ADMIN_APPS` from :class:`DistrictAdminBackend`.

Settings (``config/settings.py``)::

    INSTALLED_APPS = ["masterly.portals.apps.MasterlyAdminConfig", ...]  # not django.contrib.admin
    AUTHENTICATION_BACKENDS = [..., "masterly.portals.admin_site.DistrictAdminBackend"]
"""

from __future__ import annotations

import contextlib
from typing import Any

from django.contrib import admin
from django.contrib.auth.backends import BaseBackend
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from masterly.roster.access import is_district_admin

# The apps whose records district admins manage in the admin (people, roles and rosters).
DISTRICT_ADMIN_APPS = frozenset({"accounts", "roster", "standards", "case"})

_CACHE_ATTR = "_masterly_is_district_admin"


def _is_district_admin(user: Any) -> bool:
    """``is_district_admin``, remembered on the user object for the rest of the request."""
    cached: bool | None = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = is_district_admin(user)
        with contextlib.suppress(AttributeError):  # AnonymousUser and friends
            setattr(user, _CACHE_ATTR, cached)
    return cached


class MasterlyAdminSite(admin.AdminSite):
    site_header = "Masterly administration"
    site_title = "Masterly"
    index_title = "People, schools and classes"

    def has_permission(self, request: HttpRequest) -> bool:
        return _is_district_admin(request.user)

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        """Signed-in people without access get 403; the others sign in through allauth."""
        if request.user.is_authenticated:
            if self.has_permission(request):
                return super().login(request, extra_context)  # redirects to the index
            raise PermissionDenied
        next_url = request.GET.get("next") or reverse("admin:index", current_app=self.name)
        response: HttpResponse = redirect_to_login(next_url, reverse("account_login"))
        return response


class DistrictAdminBackend(BaseBackend):
    """Grants district admins every model permission of :data:`DISTRICT_ADMIN_APPS`.

    It authenticates nobody (``authenticate`` returns None); ``ModelBackend`` still handles
    superusers and explicit permissions.
    """

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        app_label = perm.split(".", 1)[0]
        return app_label in DISTRICT_ADMIN_APPS and _is_district_admin(user_obj)

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        return app_label in DISTRICT_ADMIN_APPS and _is_district_admin(user_obj)
