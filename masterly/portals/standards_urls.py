"""The standards browser and curriculum maps (kept apart from the role home pages)."""

from django.urls import path

from masterly.portals.standards import browser, maps

urlpatterns = [
    path("standards/", browser.browser, name="standards_browser"),
    path("standards/frameworks/<int:pk>/", browser.framework_page, name="standards_framework"),
    path("standards/<int:pk>/", browser.standard_page, name="standards_standard"),
    path(
        "standards/<int:pk>/add-to-unit/",
        maps.standard_add_to_unit,
        name="standards_add_to_unit",
    ),
    path("curriculum-maps/", maps.map_list, name="curriculum_maps"),
    path("curriculum-maps/new/", maps.map_create, name="curriculum_map_create"),
    path("curriculum-maps/<int:pk>/", maps.map_detail, name="curriculum_map"),
    path("curriculum-maps/<int:pk>/edit/", maps.map_edit, name="curriculum_map_edit"),
    path("curriculum-maps/<int:pk>/copy/", maps.map_copy, name="curriculum_map_copy"),
    path("curriculum-maps/<int:pk>/delete/", maps.map_delete, name="curriculum_map_delete"),
    path("curriculum-maps/<int:pk>/units/", maps.unit_add, name="curriculum_map_unit_add"),
    path(
        "curriculum-maps/units/<int:unit_id>/rename/",
        maps.unit_rename,
        name="curriculum_map_unit_rename",
    ),
    path(
        "curriculum-maps/units/<int:unit_id>/move/",
        maps.unit_move,
        name="curriculum_map_unit_move",
    ),
    path(
        "curriculum-maps/units/<int:unit_id>/delete/",
        maps.unit_delete,
        name="curriculum_map_unit_delete",
    ),
    path(
        "curriculum-maps/units/<int:unit_id>/standards/",
        maps.unit_standard_add,
        name="curriculum_map_standard_add",
    ),
    path(
        "curriculum-maps/placements/<int:pk>/move/",
        maps.unit_standard_move,
        name="curriculum_map_standard_move",
    ),
    path(
        "curriculum-maps/placements/<int:pk>/power/",
        maps.unit_standard_power,
        name="curriculum_map_standard_power",
    ),
    path(
        "curriculum-maps/placements/<int:pk>/remove/",
        maps.unit_standard_remove,
        name="curriculum_map_standard_remove",
    ),
]
