"""Read-only views of assessments and evidence: changes go through the services (history)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from masterly.assessments.models import Assessment, AssessmentStandard, Evidence, EvidenceRevision


class ReadOnlyAdmin(admin.ModelAdmin):
    """Evidence is never destroyed nor edited outside the services that keep its history."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AlignmentInline(admin.TabularInline):
    model = AssessmentStandard
    raw_id_fields = ("standard",)
    extra = 0


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "assessed_on", "created_by")
    list_filter = ("kind",)
    search_fields = ("title",)
    raw_id_fields = ("created_by",)
    inlines = [AlignmentInline]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RevisionInline(admin.TabularInline):
    model = EvidenceRevision
    extra = 0
    can_delete = False
    fields = (
        "version",
        "kind",
        "points_earned",
        "points_possible",
        "assessed_on",
        "is_deleted",
        "reason",
        "changed_by",
        "changed_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = (
        "student",
        "standard",
        "points_earned",
        "points_possible",
        "assessed_on",
        "source",
        "is_deleted",
        "version",
    )
    list_filter = ("source", "is_deleted")
    raw_id_fields = ("student", "standard", "assessment", "attempt", "entered_by")
    inlines = [RevisionInline]
