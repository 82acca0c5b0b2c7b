"""Include under ``trackers/``: ``path("trackers/", include("masterly.trackers.urls"))``."""

from django.urls import path

from masterly.trackers import views

app_name = "trackers"

urlpatterns = [
    path(
        "<int:tracker_id>/recompute/<int:run_id>/",
        views.recompute_progress,
        name="recompute_progress",
    ),
]
