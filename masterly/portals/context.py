"""What every page's navigation needs: the person's roles and which one they are acting in."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from masterly.portals.roles import HOME_URL_NAMES, ROLE_LABELS, active_role, available_roles


def navigation(request: HttpRequest) -> dict[str, Any]:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    roles = available_roles(request)
    role = active_role(request, roles)
    return {
        "nav_roles": roles,
        "nav_role_choices": [(r.value, ROLE_LABELS[r]) for r in roles],
        "nav_active_role": role.value if role else None,
        "home_url_name": HOME_URL_NAMES[role] if role else "home",
    }
