from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from masterly.integrations.case.models import CaseImportRun


@admin.register(CaseImportRun)
class CaseImportRunAdmin(admin.ModelAdmin):
    list_display = ("created_at", "source_name", "status", "created_by", "framework")
    list_filter = ("status",)
    exclude = ("payload",)
    readonly_fields = (
        "source_name",
        "source_url",
        "status",
        "created_by",
        "started_at",
        "finished_at",
        "summary",
        "summary_lines",
        "errors",
        "framework",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
