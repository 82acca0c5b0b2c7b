"""Trackers in the admin; rollups, overrides and recomputes are shown read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from masterly.trackers.models import (
    Override,
    RecomputeRun,
    Rollup,
    Tracker,
    TrackerSection,
    TrackerStandard,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SectionInline(admin.TabularInline):
    model = TrackerSection
    raw_id_fields = ("section",)
    extra = 0


class StandardInline(admin.TabularInline):
    model = TrackerStandard
    raw_id_fields = ("standard", "unit")
    extra = 0


@admin.register(Tracker)
class TrackerAdmin(ReadOnlyAdmin):
    """Settings changes must go through the service (it recomputes the rollups)."""

    list_display = ("name", "owner", "method", "settings_version", "is_archived")
    list_filter = ("method", "is_archived", "is_linked_to_canvas")
    search_fields = ("name",)
    inlines = [SectionInline, StandardInline]


@admin.register(Rollup)
class RollupAdmin(ReadOnlyAdmin):
    list_display = ("tracker", "student", "standard", "score", "level", "is_overridden")
    list_filter = ("level", "is_overridden")


@admin.register(Override)
class OverrideAdmin(ReadOnlyAdmin):
    list_display = ("tracker", "student", "standard", "level", "set_by", "set_at", "cleared_at")


@admin.register(RecomputeRun)
class RecomputeRunAdmin(ReadOnlyAdmin):
    list_display = ("tracker", "status", "done_cells", "total_cells", "created_at", "finished_at")
    list_filter = ("status",)
