"""The standards browser and curriculum maps (kept apart from the role home pages)."""

from django.urls import path

urlpatterns: list = []  # type: ignore[type-arg]
