from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Masterly administration"
admin.site.site_title = "Masterly"

urlpatterns = [
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("oneroster/", include("masterly.integrations.oneroster.urls")),
    path("case/", include("masterly.integrations.case.urls")),
    path("qti/", include("masterly.integrations.qti.urls")),
    path("trackers/", include("masterly.trackers.urls")),
    path("take/", include("masterly.portals.taking_urls")),
    path("dashboards/", include("masterly.reports.dashboards.urls")),
    path("", include("masterly.portals.standards_urls")),
    path("", include("masterly.portals.items_urls")),
    path("", include("masterly.portals.assessments_urls")),
    path("", include("masterly.reports.urls")),
    path("", include("masterly.reports.progress.urls")),
    path("", include("masterly.portals.notes_urls")),
    path("", include("masterly.portals.trackers_urls")),
    path("", include("masterly.portals.policy_urls")),
    path("", include("masterly.portals.activation_urls")),
    path("", include("masterly.reports.activation_urls")),
    path("", include("masterly.portals.reassessment_urls")),
    path("", include("masterly.portals.urls")),
]
