from django.urls import path

from masterly.reports.dashboards import views

urlpatterns = [
    path("district/", views.dashboard_page, name="district_dashboard"),
    path("district/print/", views.dashboard_print, name="district_dashboard_print"),
    path("district/dashboard.pdf", views.dashboard_pdf, name="district_dashboard_pdf"),
    path("district/<str:table>.csv", views.dashboard_csv, name="district_dashboard_csv"),
    path("schools/<int:school_id>/", views.dashboard_page, name="school_dashboard"),
    path("schools/<int:school_id>/print/", views.dashboard_print, name="school_dashboard_print"),
    path("schools/<int:school_id>/dashboard.pdf", views.dashboard_pdf, name="school_dashboard_pdf"),
    path(
        "schools/<int:school_id>/<str:table>.csv",
        views.dashboard_csv,
        name="school_dashboard_csv",
    ),
]
