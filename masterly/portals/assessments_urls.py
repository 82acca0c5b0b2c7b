"""The assessment pages: composing, blueprint, assigning (printing: ``reports/urls.py``)."""

from django.urls import path

from masterly.portals.assessments import assigning, composing, views

urlpatterns = [
    path("assessments/", views.assessment_list, name="assessment_list"),
    path("assessments/new/", views.assessment_new, name="assessment_new"),
    path("assessments/<int:pk>/", views.assessment_page, name="assessment_page"),
    path("assessments/<int:pk>/change/", composing.assessment_change, name="assessment_change"),
    path(
        "assessments/<int:pk>/blueprint/", views.assessment_blueprint, name="assessment_blueprint"
    ),
    path("assessments/<int:pk>/assign/", assigning.assessment_assign, name="assessment_assign"),
    path(
        "trackers/<int:tracker_id>/assignments/",
        assigning.tracker_assignments,
        name="tracker_assignments",
    ),
    path(
        "trackers/<int:tracker_id>/assignments/<int:pk>/",
        assigning.assignment_page,
        name="assignment_page",
    ),
    path(
        "trackers/<int:tracker_id>/assignments/<int:pk>/excuse/",
        assigning.assignment_excuse,
        name="assignment_excuse",
    ),
]
