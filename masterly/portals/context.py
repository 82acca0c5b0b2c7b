"""What every page's navigation needs: the person's roles and which one they are acting in."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from masterly.portals.roles import active_role, available_roles


def navigation(request: HttpRequest) -> dict[str, Any]:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    roles = available_roles(request)
    return {"nav_roles": roles, "nav_active_role": active_role(request, roles)}
