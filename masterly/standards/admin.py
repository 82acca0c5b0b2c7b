"""Read-mostly admin views of standards (changes come from CASE imports and the map pages)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from masterly.standards.models import (
    Association,
    CurriculumMap,
    Framework,
    Standard,
    Unit,
    UnitStandard,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Standards are changed by importing their framework again, never by hand: a hand edit
    would be overwritten by the next import and would not be audited."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Framework)
class FrameworkAdmin(ReadOnlyAdmin):
    list_display = ("title", "creator", "version", "adoption_status", "identifier", "updated_at")
    search_fields = ("title", "identifier", "creator")


@admin.register(Standard)
class StandardAdmin(ReadOnlyAdmin):
    list_display = ("human_coding_scheme", "item_type", "framework", "retired_at")
    list_filter = ("framework", "item_type")
    search_fields = ("human_coding_scheme", "identifier", "full_statement")
    list_select_related = ("framework",)
    raw_id_fields = ("parent", "domain")


@admin.register(Association)
class AssociationAdmin(ReadOnlyAdmin):
    list_display = ("association_type", "origin_title", "destination_title", "source", "framework")
    list_filter = ("association_type", "source", "framework")
    search_fields = ("identifier", "origin_identifier", "destination_identifier")
    list_select_related = ("framework",)
    raw_id_fields = ("origin", "destination")


class UnitInline(admin.TabularInline):
    model = Unit
    extra = 0
    fields = ("title", "position")


@admin.register(CurriculumMap)
class CurriculumMapAdmin(ReadOnlyAdmin):
    list_display = ("title", "course", "scope", "owner", "updated_at")
    list_filter = ("scope",)
    search_fields = ("title", "course__title")
    list_select_related = ("course", "owner")
    inlines = [UnitInline]


@admin.register(UnitStandard)
class UnitStandardAdmin(ReadOnlyAdmin):
    list_display = ("unit", "standard", "position", "is_power")
    list_select_related = ("unit", "standard")
    raw_id_fields = ("unit", "standard")
