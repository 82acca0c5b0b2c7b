from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from masterly.accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "first_name", "last_name", "email", "sourced_id", "is_active")
    search_fields = ("username", "first_name", "last_name", "email", "sourced_id", "identifier")
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        ("Roster", {"fields": ("sourced_id", "identifier", "middle_name", "grades")}),
    )
