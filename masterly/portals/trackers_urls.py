"""The tracker pages, under ``trackers/``."""

from django.urls import path

from masterly.portals.trackers import views

urlpatterns = [
    path("trackers/", views.tracker_list, name="tracker_list"),
    path("trackers/new/", views.tracker_create, name="tracker_create"),
    path("trackers/<int:tracker_id>/", views.tracker_grid, name="tracker_grid"),
    path("trackers/<int:tracker_id>/export.csv", views.tracker_export, name="tracker_export"),
    path(
        "trackers/<int:tracker_id>/cells/<int:student_id>/<int:standard_id>/",
        views.tracker_cell,
        name="tracker_cell",
    ),
    path(
        "trackers/<int:tracker_id>/standards/<int:standard_id>/groups/",
        views.reteach_groups,
        name="tracker_reteach_groups",
    ),
]
