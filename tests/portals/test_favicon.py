"""Browsers ask for /favicon.ico on every site: it answers with Masterly's icon, not a 404."""

from __future__ import annotations

from django.contrib.staticfiles import finders
from django.test import Client


def test_favicon_ico_sends_browsers_to_the_static_icon(client: Client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("masterly/favicon.svg")
    icon = finders.find("masterly/favicon.svg")
    assert icon is not None
    with open(icon, encoding="utf-8") as svg:
        assert svg.read().startswith("<svg")


def test_pages_link_the_icon(client: Client, db: None) -> None:
    page = client.get("/accounts/login/").content.decode()
    assert 'rel="icon"' in page and "masterly/favicon.svg" in page
