"""The tracker pages, under ``trackers/``."""

from django.urls import path, re_path

from masterly.portals.trackers import (
    colours,
    paper_views,
    queue_views,
    reassessment_views,
    scoring_views,
    settings_views,
    views,
)

urlpatterns = [
    re_path(
        rf"^trackers/colours/(?P<colours>{colours.COLOURS_PATTERN})\.css$",
        colours.level_colours,
        name="level_colours",
    ),
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
    # The five settings buttons.
    path(
        "trackers/<int:tracker_id>/students/",
        settings_views.tracker_students,
        name="tracker_students",
    ),
    path(
        "trackers/<int:tracker_id>/standards/",
        settings_views.tracker_standards,
        name="tracker_standards",
    ),
    path("trackers/<int:tracker_id>/tools/", settings_views.tracker_tools, name="tracker_tools"),
    path(
        "trackers/<int:tracker_id>/settings/",
        settings_views.tracker_settings,
        name="tracker_settings",
    ),
    path("trackers/<int:tracker_id>/more/", settings_views.tracker_more, name="tracker_more"),
    # Quick checks and score entry.
    path(
        "trackers/<int:tracker_id>/quick-checks/",
        scoring_views.quick_check_list,
        name="quick_check_list",
    ),
    path(
        "trackers/<int:tracker_id>/quick-checks/new/",
        scoring_views.quick_check_new,
        name="quick_check_new",
    ),
    path(
        "trackers/<int:tracker_id>/quick-checks/<int:assessment_id>/",
        scoring_views.quick_check_scores,
        name="quick_check_scores",
    ),
    path(
        "trackers/<int:tracker_id>/quick-checks/<int:assessment_id>/score/",
        scoring_views.quick_score,
        name="quick_score",
    ),
    # Assessments with items: paper scores, item analysis, key corrections.
    path(
        "trackers/<int:tracker_id>/assessments/<int:assessment_id>/responses/",
        paper_views.paper_scores,
        name="paper_scores",
    ),
    path(
        "trackers/<int:tracker_id>/assessments/<int:assessment_id>/analysis/",
        paper_views.analysis,
        name="assessment_analysis",
    ),
    path(
        "trackers/<int:tracker_id>/assessments/<int:assessment_id>/items/<int:placement_id>/key/",
        paper_views.key_correction,
        name="key_correction",
    ),
    # The scoring queue, reassessment requests and one more attempt for a group.
    path(
        "trackers/<int:tracker_id>/scoring-queue/",
        queue_views.scoring_queue,
        name="scoring_queue",
    ),
    path(
        "trackers/<int:tracker_id>/reassessments/",
        reassessment_views.reassessment_list,
        name="tracker_reassessments",
    ),
    path(
        "trackers/<int:tracker_id>/reassessments/<int:request_id>/",
        reassessment_views.reassessment_decide,
        name="tracker_reassessment_decide",
    ),
    path(
        "trackers/<int:tracker_id>/attempts/grant/",
        reassessment_views.attempts_grant_group,
        name="tracker_grant_attempts",
    ),
]
