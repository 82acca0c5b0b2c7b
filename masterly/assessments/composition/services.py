"""Writes of an assessment's composition: create it, change its settings, its sections and
the items placed in them. Each checks that the actor is its author, validates, writes in one
transaction and records an audit row; a refused write changes nothing.

Placing an item pins its current version (a version in use is never changed again, ADR 18);
switching to a newer version is allowed only while no student has started the assessment.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from masterly.accounts.models import User
from masterly.assessments.composition.models import AssessmentSection
from masterly.assessments.composition.selectors import can_edit_assessment, has_answers
from masterly.assessments.items.models import AssessmentItem, Item, Scope
from masterly.assessments.items.selectors import home_orgs, visible_items
from masterly.assessments.models import Assessment
from masterly.assessments.scores import clean_assessed_on
from masterly.core import audit

TITLE_MAX = 300
# Positions are renumbered by an offset first, so no two rows ever share one mid-update.
_SHIFT = 10_000


def assessment_create(
    *,
    actor: User,
    title: str,
    kind: str,
    instructions: str = "",
    scope: str = Scope.OWN,
    assessed_on: datetime.date | None = None,
) -> Assessment:
    """A new, empty assessment of ``actor``'s with one untitled section, given on
    ``assessed_on`` (today when not said)."""
    school, district = home_orgs(actor)
    fields = _checked_fields(title=title, kind=kind, scope=scope, school=school, district=district)
    on = clean_assessed_on(assessed_on) if assessed_on is not None else timezone.localdate()
    with transaction.atomic():
        assessment = Assessment.objects.create(
            created_by=actor,
            instructions=instructions.strip(),
            school=school,
            district=district,
            assessed_on=on,
            **fields,
        )
        AssessmentSection.objects.create(assessment=assessment, number=1, title="")
        audit.record(
            actor=actor, action="assessment.created", target=assessment, summary=assessment.title
        )
    return assessment


def assessment_update(
    *,
    actor: User,
    assessment: Assessment,
    title: str,
    kind: str,
    instructions: str,
    scope: str,
    shuffle_items: bool,
    shuffle_options: bool,
) -> Assessment:
    _check_author(actor, assessment)
    fields = _checked_fields(
        title=title, kind=kind, scope=scope, school=assessment.school, district=assessment.district
    )
    with transaction.atomic():
        for name, value in {
            **fields,
            "instructions": instructions.strip(),
            "shuffle_items": shuffle_items,
            "shuffle_options": shuffle_options,
            "updated_at": timezone.now(),
        }.items():
            setattr(assessment, name, value)
        assessment.save(
            update_fields=[
                "title",
                "kind",
                "scope",
                "instructions",
                "shuffle_items",
                "shuffle_options",
                "updated_at",
            ]
        )
        audit.record(
            actor=actor,
            action="assessment.changed",
            target=assessment,
            summary=assessment.title,
            details={
                "shuffle_items": shuffle_items,
                "shuffle_options": shuffle_options,
                "scope": scope,
            },
        )
    return assessment


# ------------------------------------------------------------------ sections


def section_add(*, actor: User, assessment: Assessment, title: str) -> AssessmentSection:
    _check_author(actor, assessment)
    title = _section_title(title)
    with transaction.atomic():
        last = AssessmentSection.objects.filter(assessment=assessment).aggregate(n=Max("number"))[
            "n"
        ]
        section = AssessmentSection.objects.create(
            assessment=assessment, number=(last or 0) + 1, title=title
        )
        _touch(
            actor,
            assessment,
            "assessment.section_added",
            f"Section {section.number} “{title}” added",
        )
    return section


def section_rename(*, actor: User, section: AssessmentSection, title: str) -> AssessmentSection:
    _check_author(actor, section.assessment)
    section.title = _section_title(title)
    with transaction.atomic():
        section.save(update_fields=["title"])
        _touch(
            actor,
            section.assessment,
            "assessment.section_renamed",
            f"Section {section.number} renamed “{section.title}”",
        )
    return section


def section_move(*, actor: User, section: AssessmentSection, step: int) -> None:
    """Swap a section with the one before (``step`` -1) or after (+1), items and all."""
    assessment = section.assessment
    _check_author(actor, assessment)
    with transaction.atomic():
        other = AssessmentSection.objects.filter(
            assessment=assessment, number=section.number + step
        ).first()
        if other is None:
            return
        a, b = section.number, other.number
        for rows, key in _numbered(assessment):
            rows.filter(**{f"{key}__in": (a, b)}).update(**{key: F(key) + _SHIFT})
            rows.filter(**{key: a + _SHIFT}).update(**{key: b})
            rows.filter(**{key: b + _SHIFT}).update(**{key: a})
        _touch(actor, assessment, "assessment.section_moved", f"Section {a} moved to {b}")


def section_remove(*, actor: User, section: AssessmentSection) -> None:
    """Remove an empty section (the last one stays: an assessment has at least one)."""
    assessment = section.assessment
    _check_author(actor, assessment)
    if AssessmentItem.objects.filter(assessment=assessment, section=section.number).exists():
        raise ValidationError(
            _("Move or remove this section's items first; only an empty section can be removed.")
        )
    if AssessmentSection.objects.filter(assessment=assessment).count() == 1:
        raise ValidationError(_("An assessment keeps at least one section."))
    with transaction.atomic():
        number = section.number
        section.delete()
        for rows, key in _numbered(assessment):
            rows.filter(**{f"{key}__gt": number}).update(**{key: F(key) + _SHIFT})
            rows.filter(**{f"{key}__gt": _SHIFT}).update(**{key: F(key) - _SHIFT - 1})
        _touch(actor, assessment, "assessment.section_removed", f"Section {number} removed")


# ------------------------------------------------------------------ items


def item_add(*, actor: User, assessment: Assessment, item: Item, section: int) -> AssessmentItem:
    """Place ``item``'s current version last in ``section`` (an item the actor may see)."""
    return items_add(actor=actor, assessment=assessment, items=[item], section=section)[0]


def items_add(
    *, actor: User, assessment: Assessment, items: Sequence[Item], section: int
) -> list[AssessmentItem]:
    """Place each item's current version last in ``section``, in the order given (items the
    actor may see, each once, none already in the assessment): a fixed number of queries
    however many, and one audit row."""
    _check_author(actor, assessment)
    wanted = [item.pk for item in items]
    if not wanted:
        return []
    if len(set(wanted)) != len(wanted):
        raise ValidationError(_("Each item may be placed only once."))
    current = dict(
        visible_items(actor)
        .filter(pk__in=wanted, current__isnull=False)
        .values_list("pk", "current_id")
    )
    if len(current) != len(wanted):
        raise ValidationError(_("That item is not in your bank."))
    if not AssessmentSection.objects.filter(assessment=assessment, number=section).exists():
        raise ValidationError(_("That section is not in this assessment."))
    there = (
        AssessmentItem.objects.filter(assessment=assessment, item_version__item__in=wanted)
        .values_list("item_version__item", flat=True)
        .first()
    )
    if there is not None:
        raise ValidationError(_("Item %(n)d is already in this assessment.") % {"n": there})
    with transaction.atomic():
        last = AssessmentItem.objects.filter(assessment=assessment, section=section).aggregate(
            n=Max("position")
        )["n"]
        rows = AssessmentItem.objects.bulk_create(
            AssessmentItem(
                assessment=assessment,
                item_version_id=current[pk],
                section=section,
                position=(last or 0) + n,
            )
            for n, pk in enumerate(wanted, start=1)
        )
        placed = ", ".join(f"{pk} (version id {current[pk]})" for pk in wanted)
        _touch(
            actor,
            assessment,
            "assessment.item_added",
            f"Item{'s' if len(wanted) > 1 else ''} {placed} added to section {section}",
        )
    return rows


def item_remove(*, actor: User, row: AssessmentItem) -> None:
    assessment = row.assessment
    _check_author(actor, assessment)
    if has_answers(assessment):
        raise ValidationError(
            _("Students have started this assessment: its items can no longer be removed.")
        )
    with transaction.atomic():
        section, item_id = row.section, row.item_version.item_id
        row.delete()
        _renumber(assessment, section)
        _touch(actor, assessment, "assessment.item_removed", f"Item {item_id} removed")


def item_move(*, actor: User, row: AssessmentItem, step: int) -> None:
    """Swap an item with the one before (-1) or after (+1) it in its section."""
    assessment = row.assessment
    _check_author(actor, assessment)
    with transaction.atomic():
        rows = list(
            AssessmentItem.objects.filter(assessment=assessment, section=row.section).order_by(
                "position"
            )
        )
        at = next(i for i, each in enumerate(rows) if each.pk == row.pk)
        if not 0 <= at + step < len(rows):
            return
        rows[at], rows[at + step] = rows[at + step], rows[at]
        _write_order(rows)
        _touch(actor, assessment, "assessment.item_moved", f"Item {row.item_version.item_id} moved")


def item_to_section(*, actor: User, row: AssessmentItem, section: int) -> None:
    """Move an item to the end of another section."""
    assessment = row.assessment
    _check_author(actor, assessment)
    if not AssessmentSection.objects.filter(assessment=assessment, number=section).exists():
        raise ValidationError(_("That section is not in this assessment."))
    if section == row.section:
        return
    with transaction.atomic():
        old = row.section
        last = AssessmentItem.objects.filter(assessment=assessment, section=section).aggregate(
            n=Max("position")
        )["n"]
        row.section, row.position = section, (last or 0) + 1
        row.save(update_fields=["section", "position"])
        _renumber(assessment, old)
        _touch(
            actor,
            assessment,
            "assessment.item_moved",
            f"Item {row.item_version.item_id} moved to section {section}",
        )


def item_use_current_version(*, actor: User, row: AssessmentItem) -> AssessmentItem:
    """Pin the item's current version instead of the older one placed, while no student has
    started the assessment (afterwards results must point at what students saw)."""
    assessment = row.assessment
    _check_author(actor, assessment)
    if has_answers(assessment):
        raise ValidationError(
            _(
                "Students have started this assessment, so it keeps the version they saw. "
                "Copy the assessment to use the new version."
            )
        )
    current = Item.objects.select_related("current").get(pk=row.item_version.item_id).current
    if current is None or current.pk == row.item_version_id:
        return row
    with transaction.atomic():
        old = row.item_version.number
        row.item_version = current
        row.save(update_fields=["item_version"])
        _touch(
            actor,
            assessment,
            "assessment.item_version_switched",
            f"Item {current.item_id} now uses version {current.number} (was {old})",
        )
    return row


# ------------------------------------------------------------------ helpers


def _check_author(actor: User, assessment: Assessment) -> None:
    if not can_edit_assessment(actor, assessment):
        raise PermissionDenied(_("Only the assessment's author may change it."))


def _checked_fields(
    *, title: str, kind: str, scope: str, school: object, district: object
) -> dict[str, str]:
    problems: dict[str, str] = {}
    title = title.strip()
    if not title:
        problems["title"] = _("Give the assessment a title.")
    elif len(title) > TITLE_MAX:
        problems["title"] = _("Keep the title under %(n)d characters.") % {"n": TITLE_MAX}
    if kind not in Assessment.Kind.values:
        problems["kind"] = _(
            "Choose a kind: quick check, common assessment, benchmark, performance task "
            "or paper test."
        )
    if scope not in Scope.values:
        problems["scope"] = _("Share with: choose only me, my school or the district.")
    elif scope == Scope.SCHOOL and school is None:
        problems["scope"] = _("You work at no school to share it with.")
    elif scope == Scope.DISTRICT and district is None:
        problems["scope"] = _("You work in no district to share it with.")
    if problems:
        raise ValidationError(problems)
    return {"title": title, "kind": kind, "scope": scope}


def _section_title(title: str) -> str:
    title = title.strip()
    if len(title) > 200:
        raise ValidationError(_("Keep a section's title under 200 characters."))
    return title


def _numbered(assessment: Assessment) -> list[tuple[QuerySet[Any], str]]:
    """The rows that carry a section number, and the field that holds it: the sections
    themselves and the items placed in them (renumbered together)."""
    return [
        (AssessmentSection.objects.filter(assessment=assessment), "number"),
        (AssessmentItem.objects.filter(assessment=assessment), "section"),
    ]


def _renumber(assessment: Assessment, section: int) -> None:
    _write_order(
        list(
            AssessmentItem.objects.filter(assessment=assessment, section=section).order_by(
                "position"
            )
        )
    )


def _write_order(rows: list[AssessmentItem]) -> None:
    """Positions 1… in the order of ``rows``: shifted away first, as the pair is unique."""
    for row in rows:
        row.position += _SHIFT
    AssessmentItem.objects.bulk_update(rows, ["position"])
    for position, row in enumerate(rows, start=1):
        row.position = position
    AssessmentItem.objects.bulk_update(rows, ["position"])


def _touch(actor: User, assessment: Assessment, action: str, summary: str) -> None:
    assessment.updated_at = timezone.now()
    assessment.save(update_fields=["updated_at"])
    audit.record(actor=actor, action=action, target=assessment, summary=summary)
