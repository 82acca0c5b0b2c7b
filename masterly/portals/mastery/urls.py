from django.urls import path

from masterly.portals.mastery import views

urlpatterns = [
    path(
        "student/trackers/<int:tracker_id>/",
        views.student_mastery_view,
        name="student_mastery",
    ),
    path(
        "student/trackers/<int:tracker_id>/assessments/<int:assignment_id>/",
        views.student_assessment_view,
        name="student_mastery_assessment",
    ),
    path(
        "family/<int:student_id>/trackers/<int:tracker_id>/",
        views.family_mastery_view,
        name="family_mastery",
    ),
    path(
        "family/<int:student_id>/trackers/<int:tracker_id>/assessments/<int:assignment_id>/",
        views.family_assessment_view,
        name="family_mastery_assessment",
    ),
]
