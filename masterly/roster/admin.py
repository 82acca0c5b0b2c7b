from django.contrib import admin

from masterly.roster.models import (
    AcademicSession,
    Course,
    Enrollment,
    GuardianLink,
    Org,
    RoleAssignment,
    Section,
)


@admin.register(Org)
class OrgAdmin(admin.ModelAdmin):
    list_display = ("name", "type", "sourced_id", "parent", "is_active")
    list_filter = ("type", "is_active")
    search_fields = ("name", "sourced_id", "identifier")


@admin.register(AcademicSession)
class AcademicSessionAdmin(admin.ModelAdmin):
    list_display = ("title", "type", "start_date", "end_date", "school_year", "is_active")
    list_filter = ("type", "school_year", "is_active")


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ("title", "course_code", "org", "grades", "is_active")
    search_fields = ("title", "course_code", "sourced_id")
    list_filter = ("is_active",)


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ("title", "class_code", "course", "school", "ends_on", "is_active")
    search_fields = ("title", "class_code", "sourced_id")
    list_filter = ("school", "is_active")
    raw_id_fields = ("course",)


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    list_display = ("user", "section", "role", "is_primary", "is_active")
    list_filter = ("role", "is_active")
    raw_id_fields = ("user", "section")
    search_fields = ("sourced_id", "user__username", "section__title")


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "org", "is_active")
    list_filter = ("role", "is_active")
    raw_id_fields = ("user",)
    search_fields = ("user__username",)


@admin.register(GuardianLink)
class GuardianLinkAdmin(admin.ModelAdmin):
    list_display = ("guardian", "student", "relationship", "is_active")
    raw_id_fields = ("guardian", "student")
