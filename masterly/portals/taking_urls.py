"""Taking an assessment online (students only): ``/take/``."""

from django.urls import path

from masterly.portals.taking import views

app_name = "taking"

urlpatterns = [
    path("find/", views.find, name="find"),
    path("assignments/<int:assignment_id>/", views.start, name="start"),
    path("attempts/<int:attempt_id>/", views.attempt_page, name="attempt"),
    path("attempts/<int:attempt_id>/answer/", views.answer_save, name="answer"),
    path("attempts/<int:attempt_id>/flag/", views.flag, name="flag"),
    path("attempts/<int:attempt_id>/review/", views.review, name="review"),
    path("attempts/<int:attempt_id>/submit/", views.submit, name="submit"),
]
