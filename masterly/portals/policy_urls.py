"""The district and school policy pages, under ``policy/``."""

from django.urls import path

from masterly.portals.policy import views

urlpatterns = [
    path("policy/", views.policy_index, name="policy_index"),
    path("policy/<int:org_id>/", views.policy_page, name="policy_page"),
    path(
        "policy/<int:org_id>/runs/<int:run_id>/",
        views.policy_run_progress,
        name="policy_run_progress",
    ),
]
