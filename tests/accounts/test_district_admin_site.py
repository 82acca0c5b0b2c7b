"""Django admin: district admins (by role) may use it; staff flags alone open nothing."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests import factories as f
from tests.conftest import World


@pytest.fixture(autouse=True)
def _masterly_admin_is_installed() -> None:
    """These tests need two lines in config/settings.py; say which, rather than fail obscurely."""
    missing = []
    if "masterly.portals.apps.MasterlyAdminConfig" not in settings.INSTALLED_APPS:
        missing.append(
            'INSTALLED_APPS: "masterly.portals.apps.MasterlyAdminConfig" in place of '
            '"django.contrib.admin"'
        )
    if "masterly.portals.admin_site.DistrictAdminBackend" not in settings.AUTHENTICATION_BACKENDS:
        missing.append(
            'AUTHENTICATION_BACKENDS: add "masterly.portals.admin_site.DistrictAdminBackend"'
        )
    if missing:
        pytest.fail("config/settings.py needs: " + "; ".join(missing), pytrace=False)


def signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/roster/section/",
        "/admin/roster/enrollment/",
        "/admin/roster/roleassignment/",
        "/admin/accounts/user/",
        "/admin/roster/section/add/",
    ],
)
def test_district_admin_uses_the_admin(world: World, url: str) -> None:
    assert not world.admin.is_staff
    assert signed_in(world.admin).get(url).status_code == 200


def test_district_admin_edits_a_section(world: World) -> None:
    url = reverse("admin:roster_section_change", args=[world.section.pk])
    assert signed_in(world.admin).get(url).status_code == 200


@pytest.mark.parametrize("persona", ["teacher", "leader", "parent", "student"])
def test_other_roles_are_refused_even_with_is_staff(world: World, persona: str) -> None:
    user = getattr(world, persona)
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    client = signed_in(user)
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert client.get("/admin/roster/section/").status_code in (302, 403)
    assert client.get("/admin/roster/section/", follow=True).status_code == 403


def test_deactivated_district_admin_role_is_refused(world: World) -> None:
    world.admin.role_assignments.update(is_active=False)
    assert signed_in(world.admin).get("/admin/", follow=True).status_code == 403


def test_signed_out_visitors_sign_in_through_allauth(db: None, client: Client) -> None:
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("account_login") + "?next=")
    assert "Username or email address" in response.content.decode()


def test_superuser_uses_the_admin(db: None) -> None:
    root = f.UserFactory(username="root", is_superuser=True, is_staff=True)
    assert signed_in(root).get("/admin/").status_code == 200


def test_district_admin_cannot_raise_privileges(world: World) -> None:
    client = signed_in(world.admin)
    html = client.get(reverse("admin:accounts_user_change", args=[world.teacher.pk])).content
    assert b'name="is_superuser"' not in html
    assert b'name="is_staff"' not in html
    root = f.UserFactory(username="root", is_superuser=True, is_staff=True)
    response = client.post(
        reverse("admin:accounts_user_change", args=[root.pk]), {"username": "hijacked"}
    )
    assert response.status_code == 403
    root.refresh_from_db()
    assert root.username == "root"
