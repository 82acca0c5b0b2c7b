"""The student's reassessment pages, under ``student/``."""

from django.urls import path

from masterly.portals.reassessment import views

urlpatterns = [
    path("student/reassessments/", views.my_reassessments, name="my_reassessments"),
    path(
        "student/trackers/<int:tracker_id>/reassessment/new/",
        views.reassessment_new,
        name="reassessment_new",
    ),
]
