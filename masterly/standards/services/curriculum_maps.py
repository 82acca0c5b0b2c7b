"""Every change to a curriculum map, with its permission check and audit row.

District maps are edited by district admins; a teacher's own map by that teacher only.
Anyone signed in may view or copy a map (a copy belongs to whoever made it).
"""

from __future__ import annotations

from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, ProtectedError
from django.utils import timezone

from masterly.core.audit import record
from masterly.roster.models import Course
from masterly.standards import permissions
from masterly.standards.models import CurriculumMap, Framework, Standard, Unit, UnitStandard
from masterly.standards.selectors import find_standard_by_code

Direction = Literal["up", "down"]
TITLE_MAX = 200


def _require_editor(actor: Any, curriculum_map: CurriculumMap) -> None:
    permissions.require_map_editor(actor, curriculum_map)


def _require_creator(actor: Any, scope: str, course: Course) -> None:
    if scope not in CurriculumMap.Scope.values:
        raise ValidationError({"scope": f"Unknown kind of map {scope!r}."})
    if not permissions.can_create_map(actor, scope):
        if scope == CurriculumMap.Scope.DISTRICT:
            raise PermissionDenied("Only district admins can create district curriculum maps.")
        raise PermissionDenied("Only teachers can create their own curriculum maps.")
    if not permissions.courses_for_maps(actor).filter(pk=course.pk).exists():
        raise PermissionDenied(
            f"You cannot build a curriculum map for {course.title}: choose a course taught at "
            "your school."
        )


def _clean_title(title: str, field: str = "title") -> str:
    title = title.strip()
    if not title:
        raise ValidationError({field: "Give it a title."})
    if len(title) > TITLE_MAX:
        raise ValidationError({field: f"Keep the title under {TITLE_MAX} characters."})
    return title


def _touch(curriculum_map: CurriculumMap) -> None:
    CurriculumMap.objects.filter(pk=curriculum_map.pk).update(updated_at=timezone.now())


# ------------------------------------------------------------------ maps


def curriculum_map_create(
    *,
    actor: Any,
    course: Course,
    title: str,
    scope: str,
    framework: Framework | None = None,
    description: str = "",
) -> CurriculumMap:
    _require_creator(actor, scope, course)
    with transaction.atomic():
        curriculum_map = CurriculumMap.objects.create(
            title=_clean_title(title),
            description=description.strip(),
            course=course,
            framework=framework,
            scope=scope,
            owner=actor if scope == CurriculumMap.Scope.TEACHER else None,
            created_by=actor,
        )
        record(
            actor=actor,
            action="standards.curriculum_map_created",
            target=curriculum_map,
            summary=f"Created curriculum map “{curriculum_map.title}” for {course.title}",
        )
    return curriculum_map


def curriculum_map_update(
    *,
    actor: Any,
    curriculum_map: CurriculumMap,
    title: str,
    description: str = "",
    framework: Framework | None = None,
) -> CurriculumMap:
    _require_editor(actor, curriculum_map)
    curriculum_map.title = _clean_title(title)
    curriculum_map.description = description.strip()
    curriculum_map.framework = framework
    with transaction.atomic():
        curriculum_map.save(update_fields=["title", "description", "framework", "updated_at"])
        record(
            actor=actor,
            action="standards.curriculum_map_updated",
            target=curriculum_map,
            summary=f"Renamed curriculum map to “{curriculum_map.title}”",
        )
    return curriculum_map


def curriculum_map_delete(*, actor: Any, curriculum_map: CurriculumMap) -> None:
    _require_editor(actor, curriculum_map)
    title = curriculum_map.title
    with transaction.atomic():
        record(
            actor=actor,
            action="standards.curriculum_map_deleted",
            target=curriculum_map,
            summary=f"Deleted curriculum map “{title}”",
            details={
                "units": [
                    {"title": unit.title, "standards": [row.standard_id for row in placed]}
                    for unit, placed in _units_with_standards(curriculum_map)
                ]
            },
        )
        try:
            curriculum_map.delete()
        except ProtectedError:
            raise ValidationError(
                f"“{title}” is used by a tracker, so it cannot be deleted. Copy it instead, "
                "or change the tracker's map first."
            ) from None


def curriculum_map_copy(
    *,
    actor: Any,
    curriculum_map: CurriculumMap,
    title: str = "",
    scope: str | None = None,
    course: Course | None = None,
) -> CurriculumMap:
    """A new map with the same units and standards, owned by ``actor`` (or the district)."""
    if scope is None:
        scopes = permissions.map_scopes_for(actor)
        if not scopes:
            raise PermissionDenied("Only teachers and district admins can copy curriculum maps.")
        scope = scopes[0]
    target_course = course or curriculum_map.course
    _require_creator(actor, scope, target_course)
    units = _units_with_standards(curriculum_map)
    with transaction.atomic():
        copy = CurriculumMap.objects.create(
            title=_clean_title(title or f"{curriculum_map.title} (copy)"),
            description=curriculum_map.description,
            course=target_course,
            framework=curriculum_map.framework,
            scope=scope,
            owner=actor if scope == CurriculumMap.Scope.TEACHER else None,
            copied_from=curriculum_map,
            created_by=actor,
        )
        new_units = Unit.objects.bulk_create(
            [
                Unit(curriculum_map=copy, title=unit.title, position=n)
                for n, (unit, _) in enumerate(units)
            ]
        )
        UnitStandard.objects.bulk_create(
            [
                UnitStandard(
                    unit=new_unit,
                    standard_id=row.standard_id,
                    position=position,
                    is_power=row.is_power,
                )
                for (_, placed), new_unit in zip(units, new_units, strict=True)
                for position, row in enumerate(placed)
            ]
        )
        record(
            actor=actor,
            action="standards.curriculum_map_copied",
            target=copy,
            summary=f"Copied “{curriculum_map.title}” to “{copy.title}”",
            details={"copied_from": curriculum_map.pk},
        )
    return copy


def _units_with_standards(
    curriculum_map: CurriculumMap,
) -> list[tuple[Unit, list[UnitStandard]]]:
    units = list(curriculum_map.units.order_by("position", "id"))
    placed: dict[int, list[UnitStandard]] = {unit.pk: [] for unit in units}
    for row in UnitStandard.objects.filter(unit__curriculum_map=curriculum_map).order_by(
        "position", "id"
    ):
        placed[row.unit_id].append(row)
    return [(unit, placed[unit.pk]) for unit in units]


# ------------------------------------------------------------------ units


def unit_create(*, actor: Any, curriculum_map: CurriculumMap, title: str) -> Unit:
    _require_editor(actor, curriculum_map)
    title = _clean_title(title)
    with transaction.atomic():
        last = curriculum_map.units.aggregate(last=Max("position"))["last"]
        unit = Unit.objects.create(
            curriculum_map=curriculum_map,
            title=title,
            position=0 if last is None else last + 1,
        )
        _touch(curriculum_map)
        record(
            actor=actor,
            action="standards.unit_created",
            target=unit,
            summary=f"Added unit “{title}” to “{curriculum_map.title}”",
        )
    return unit


def unit_rename(*, actor: Any, unit: Unit, title: str) -> Unit:
    _require_editor(actor, unit.curriculum_map)
    old = unit.title
    unit.title = _clean_title(title)
    with transaction.atomic():
        unit.save(update_fields=["title"])
        _touch(unit.curriculum_map)
        record(
            actor=actor,
            action="standards.unit_renamed",
            target=unit,
            summary=f"Renamed unit “{old}” to “{unit.title}”",
        )
    return unit


def unit_delete(*, actor: Any, unit: Unit) -> None:
    _require_editor(actor, unit.curriculum_map)
    with transaction.atomic():
        record(
            actor=actor,
            action="standards.unit_deleted",
            target=unit,
            summary=f"Removed unit “{unit.title}” from “{unit.curriculum_map.title}”",
            details={
                "standards": list(
                    unit.unit_standards.order_by("position").values_list("standard_id", flat=True)
                )
            },
        )
        _touch(unit.curriculum_map)
        unit.delete()


def _swap(rows: list[Any], row_pk: int, direction: Direction) -> list[Any]:
    """Move one row up or down; returns the rows whose position changed."""
    index = next(n for n, row in enumerate(rows) if row.pk == row_pk)
    other = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= other < len(rows):
        return []
    rows[index], rows[other] = rows[other], rows[index]
    changed = []
    for position, row in enumerate(rows):
        if row.position != position:
            row.position = position
            changed.append(row)
    return changed


def unit_move(*, actor: Any, unit: Unit, direction: Direction) -> None:
    _require_editor(actor, unit.curriculum_map)
    with transaction.atomic():
        siblings = list(unit.curriculum_map.units.select_for_update().order_by("position", "id"))
        changed = _swap(siblings, unit.pk, direction)
        if changed:
            Unit.objects.bulk_update(changed, ["position"])
            _touch(unit.curriculum_map)
            record(
                actor=actor,
                action="standards.unit_moved",
                target=unit,
                summary=f"Moved unit “{unit.title}” {direction}",
            )


# ------------------------------------------------------------------ standards in a unit


def unit_standard_add(
    *, actor: Any, unit: Unit, standard: Standard, is_power: bool = False
) -> UnitStandard:
    _require_editor(actor, unit.curriculum_map)
    if standard.retired_at is not None:
        raise ValidationError(
            {"code": f"{standard.label} was retired from its framework; choose a current one."}
        )
    with transaction.atomic():
        if unit.unit_standards.filter(standard=standard).exists():
            raise ValidationError(
                {"code": f"{standard.label} is already in the unit “{unit.title}”."}
            )
        last = unit.unit_standards.aggregate(last=Max("position"))["last"]
        placed = UnitStandard.objects.create(
            unit=unit,
            standard=standard,
            position=0 if last is None else last + 1,
            is_power=is_power,
        )
        _touch(unit.curriculum_map)
        record(
            actor=actor,
            action="standards.unit_standard_added",
            target=placed,
            summary=f"Added {standard.label} to unit “{unit.title}”",
        )
    return placed


def unit_standard_add_by_code(*, actor: Any, unit: Unit, code: str) -> UnitStandard:
    _require_editor(actor, unit.curriculum_map)
    standard = find_standard_by_code(code=code, framework=unit.curriculum_map.framework)
    return unit_standard_add(actor=actor, unit=unit, standard=standard)


def unit_standard_move(*, actor: Any, unit_standard: UnitStandard, direction: Direction) -> None:
    unit = unit_standard.unit
    _require_editor(actor, unit.curriculum_map)
    with transaction.atomic():
        siblings = list(unit.unit_standards.select_for_update().order_by("position", "id"))
        changed = _swap(siblings, unit_standard.pk, direction)
        if changed:
            UnitStandard.objects.bulk_update(changed, ["position"])
            _touch(unit.curriculum_map)
            record(
                actor=actor,
                action="standards.unit_standard_moved",
                target=unit_standard,
                summary=f"Moved {unit_standard.standard.label} {direction} in “{unit.title}”",
            )


def unit_standard_set_power(*, actor: Any, unit_standard: UnitStandard, is_power: bool) -> None:
    unit = unit_standard.unit
    _require_editor(actor, unit.curriculum_map)
    if unit_standard.is_power == is_power:
        return
    unit_standard.is_power = is_power
    with transaction.atomic():
        unit_standard.save(update_fields=["is_power"])
        _touch(unit.curriculum_map)
        record(
            actor=actor,
            action="standards.power_standard_flagged"
            if is_power
            else "standards.power_standard_unflagged",
            target=unit_standard,
            summary=f"{unit_standard.standard.label} "
            f"{'flagged as' if is_power else 'no longer'} a power standard in “{unit.title}”",
        )


def unit_standard_remove(*, actor: Any, unit_standard: UnitStandard) -> None:
    unit = unit_standard.unit
    _require_editor(actor, unit.curriculum_map)
    with transaction.atomic():
        record(
            actor=actor,
            action="standards.unit_standard_removed",
            target=unit_standard,
            summary=f"Removed {unit_standard.standard.label} from unit “{unit.title}”",
            details={"standard": unit_standard.standard_id, "unit": unit.pk},
        )
        _touch(unit.curriculum_map)
        unit_standard.delete()
