"""Every write to standards and curriculum maps (typed, keyword-only, audited)."""

from masterly.standards.services.curriculum_maps import (
    curriculum_map_copy,
    curriculum_map_create,
    curriculum_map_delete,
    curriculum_map_update,
    unit_create,
    unit_delete,
    unit_move,
    unit_rename,
    unit_standard_add,
    unit_standard_add_by_code,
    unit_standard_move,
    unit_standard_remove,
    unit_standard_set_power,
)
from masterly.standards.services.frameworks import (
    FrameworkImportError,
    ImportSummary,
    framework_import,
    rebuild_search_terms,
)
from masterly.standards.services.progressions import (
    ProgressionEdge,
    ProgressionImportError,
    ProgressionSummary,
    progressions_import,
)

__all__ = [
    "FrameworkImportError",
    "ImportSummary",
    "ProgressionEdge",
    "ProgressionImportError",
    "ProgressionSummary",
    "curriculum_map_copy",
    "curriculum_map_create",
    "curriculum_map_delete",
    "curriculum_map_update",
    "framework_import",
    "progressions_import",
    "rebuild_search_terms",
    "unit_create",
    "unit_delete",
    "unit_move",
    "unit_rename",
    "unit_standard_add",
    "unit_standard_add_by_code",
    "unit_standard_move",
    "unit_standard_remove",
    "unit_standard_set_power",
]
