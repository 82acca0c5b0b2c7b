"""Writes of the item bank: create, edit (in place while unused, else a new version), copy,
share, stimuli and images. Each validates first, writes in one transaction and records an
audit row; a refused write changes nothing."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from masterly.accounts.models import User
from masterly.assessments.items.content import ContentRejected, checked_image
from masterly.assessments.items.drafts import (
    CheckedDraft,
    ItemDraft,
    checked_draft,
    checked_stimulus,
)
from masterly.assessments.items.models import (
    Choice,
    Item,
    ItemImage,
    ItemStandard,
    ItemVersion,
    RubricCriterion,
    RubricLevel,
    Scope,
    Stimulus,
)
from masterly.assessments.items.selectors import can_edit_item, home_orgs, visible_images
from masterly.assessments.items.usage import item_version_in_use
from masterly.core import audit
from masterly.core.bulk import insert_rows, insert_rows_returning_ids

Row = TypeVar("Row", bound=models.Model)
_CHUNK = 500


def item_create(*, actor: User, draft: ItemDraft, scope: str = Scope.OWN) -> Item:
    """A new item owned by ``actor`` (version 1), shared as ``scope`` allows."""
    return items_create(actor=actor, drafts=[draft], scope=scope)[0]


def items_create(*, actor: User, drafts: Sequence[ItemDraft], scope: str = Scope.OWN) -> list[Item]:
    """Many new items of ``actor``'s at once (the demo's bank, an import): every draft is
    checked first, then a fixed number of queries writes them all, with an audit row each."""
    checked = [
        _checked_draft(draft, position, len(drafts)) for position, draft in enumerate(drafts)
    ]
    return checked_items_create(actor=actor, checked=checked, scope=scope)


def checked_items_create(
    *, actor: User, checked: Sequence[CheckedDraft], scope: str = Scope.OWN
) -> list[Item]:
    """``items_create`` of drafts already checked by ``checked_draft`` (an import checks a
    whole package before it opens its transaction, and does not check each draft twice)."""
    _check_images(actor, checked)
    school, district = home_orgs(actor)
    _check_scope(scope, school, district)
    with transaction.atomic():
        now = timezone.now()
        shared = {"owner": actor, "scope": scope, "school": school, "district": district}
        item_ids = insert_rows_returning_ids(
            Item, ({**shared, "created_at": now, "updated_at": now} for _ in checked)
        )
        items = [Item(pk=pk, created_at=now, updated_at=now, **shared) for pk in item_ids]
        # The one bulk writer (no model instance prepared per row), then the instances the
        # callers read, built from what was written.
        fields = [_version_fields(each) for each in checked]
        version_ids = insert_rows_returning_ids(
            ItemVersion,
            (
                {"item": item.pk, "number": 1, "created_by": actor.pk, **each}
                for item, each in zip(items, fields, strict=True)
            ),
        )
        versions = [
            ItemVersion(pk=pk, item=item, number=1, created_by=actor, **each)
            for pk, item, each in zip(version_ids, items, fields, strict=True)
        ]
        for item, version in zip(items, versions, strict=True):
            item.current = version
        # One UPDATE per chunk finding each item's version 1 (bulk_update would send a CASE of
        # a thousand branches, slow to build and past SQLite's expression depth).
        first = ItemVersion.objects.filter(item=OuterRef("pk"), number=1).values("pk")[:1]
        for start in range(0, len(items), _CHUNK):
            chunk = [item.pk for item in items[start : start + _CHUNK]]
            Item.objects.filter(pk__in=chunk).update(current=Subquery(first))
        _write_parts(list(zip(versions, checked, strict=True)))
        audit.record_many(
            actor=actor,
            action="item.created",
            model=Item,
            events=((item.pk, f"Item {item.pk} created", None) for item in items),
        )
    return items


def item_edit(*, actor: User, item: Item, draft: ItemDraft) -> ItemVersion:
    """Change ``item``: its current version in place while no assessment uses it, otherwise
    a new version (the used one stays exactly as students saw it). Returns the version."""
    if not can_edit_item(actor, item):
        raise PermissionDenied(_("Only the item's owner may change it; copy it instead."))
    checked = _checked(actor, draft)
    with transaction.atomic():
        item = Item.objects.select_for_update().get(pk=item.pk)
        current = ItemVersion.objects.get(pk=item.current_id or 0)
        if item_version_in_use(current):
            version = _write_version(item, current.number + 1, actor, checked)
            item.current = version
            action = "item.versioned"
        else:
            version = _rewrite_version(current, checked)
            action = "item.edited"
        item.updated_at = timezone.now()
        item.save(update_fields=["current", "updated_at"])
        audit.record(
            actor=actor,
            action=action,
            target=item,
            summary=f"Item {item.pk} version {version.number} {action.split('.')[1]}",
        )
    return version


def item_copy(*, actor: User, item: Item) -> Item:
    """A new item of ``actor``'s (only them), a copy of ``item``'s current version; the
    original and its history stay as they are."""
    source = ItemVersion.objects.select_related("stimulus").get(pk=item.current_id or 0)
    school, district = home_orgs(actor)
    with transaction.atomic():
        copy = Item.objects.create(
            owner=actor, scope=Scope.OWN, school=school, district=district, copied_from=source
        )
        version = duplicate_version(source, copy, actor)
        copy.current = version
        copy.save(update_fields=["current"])
        audit.record(
            actor=actor,
            action="item.copied",
            target=copy,
            summary=f"Item {copy.pk} copied from item {item.pk} version {source.number}",
        )
    return copy


def item_share(*, actor: User, item: Item, scope: str) -> Item:
    """Who besides the owner may find ``item``: only them, their school, or the district."""
    if not can_edit_item(actor, item):
        raise PermissionDenied(_("Only the item's owner may change who it is shared with."))
    _check_scope(scope, item.school, item.district)
    if scope == item.scope:
        return item
    with transaction.atomic():
        old = item.scope
        item.scope, item.updated_at = scope, timezone.now()
        item.save(update_fields=["scope", "updated_at"])
        audit.record(
            actor=actor,
            action="item.shared",
            target=item,
            summary=f"Item {item.pk} shared with {scope} (was {old})",
            details={"old": old, "new": scope},
        )
    return item


def stimulus_create(*, actor: User, title: str, content: str, scope: str = Scope.OWN) -> Stimulus:
    """A passage several items can refer to."""
    content_html = checked_stimulus(title, content)
    school, district = home_orgs(actor)
    _check_scope(scope, school, district)
    with transaction.atomic():
        stimulus = Stimulus.objects.create(
            owner=actor,
            scope=scope,
            school=school,
            district=district,
            title=title.strip(),
            content_source=content,
            content_html=content_html,
        )
        audit.record(
            actor=actor, action="stimulus.created", target=stimulus, summary=stimulus.title
        )
    return stimulus


def image_add(
    *, actor: User, data: bytes, filename: str, alt_text: str, decorative: bool = False
) -> ItemImage:
    """An image checked (raster re-encoded, SVG sanitised), with its alt text; or, when the
    teacher says it is decorative (it adds nothing a student needs), with none, so screen
    readers skip it (stored with empty alt text, as a QTI package's ``alt=""``)."""
    alt_text = alt_text.strip()
    if decorative and alt_text:
        raise ValidationError(
            {
                "alt_text": _(
                    "A decorative image has no alt text: clear the alt text, or untick "
                    "“decorative” if the image carries meaning."
                )
            }
        )
    if not decorative and not alt_text:
        raise ValidationError(
            {
                "alt_text": _(
                    "Describe the image for students who cannot see it (alt text), or mark "
                    "it decorative if it adds nothing they need."
                )
            }
        )
    try:
        image = checked_image(data, filename=filename)
    except ContentRejected as rejected:
        raise ValidationError({"image": rejected.message}) from rejected
    with transaction.atomic():
        row = ItemImage.objects.create(
            owner=actor,
            content_type=image.content_type,
            data=image.data,
            width=image.width,
            height=image.height,
            alt_text=alt_text,
        )
        summary = row.alt_text or "decorative (no alt text)"
        audit.record(actor=actor, action="item_image.added", target=row, summary=summary)
    return row


# ------------------------------------------------------------------ helpers


def _checked(actor: User, draft: ItemDraft) -> CheckedDraft:
    checked = checked_draft(draft)
    _check_images(actor, [checked])
    return checked


def _checked_draft(draft: ItemDraft, position: int, total: int) -> CheckedDraft:
    """A draft of a batch checked; a refusal says which one when there are several."""
    try:
        return checked_draft(draft)
    except ValidationError as refused:
        if total == 1:
            raise
        raise ValidationError(
            {
                field: [
                    _("Item %(n)d: %(problem)s") % {"n": position + 1, "problem": message}
                    for message in messages
                ]
                for field, messages in refused.message_dict.items()
            }
        ) from refused


def _check_images(actor: User, checked: Sequence[CheckedDraft]) -> None:
    """Every image a stem or choice shows is one the author may use (one query)."""
    wanted = {pk for each in checked for pk in each.image_ids}
    if not wanted:
        return
    seen = set(visible_images(actor).filter(pk__in=wanted).values_list("pk", flat=True))
    missing = sorted(wanted - seen)
    if missing:
        raise ValidationError(
            {"stem": _("Image %(id)d is not one you may use.") % {"id": missing[0]}}
        )


def _check_scope(scope: str, school: object, district: object) -> None:
    if scope not in Scope.values:
        raise ValidationError(
            {"scope": _("Share with: choose only me, my school or the district.")}
        )
    if scope == Scope.SCHOOL and school is None:
        raise ValidationError({"scope": _("You work at no school to share it with.")})
    if scope == Scope.DISTRICT and district is None:
        raise ValidationError({"scope": _("You work in no district to share it with.")})


def _version_fields(checked: CheckedDraft) -> dict[str, object]:
    draft = checked.draft
    return {
        "interaction": draft.interaction,
        "stimulus": draft.stimulus,
        "stem_source": draft.stem,
        "stem_html": checked.stem_html,
        "search_text": checked.search_text,
        "dok": draft.dok,
        "numeric_answer": draft.numeric_answer,
        "numeric_tolerance": draft.numeric_tolerance,
        "accepted_answers": [answer.strip() for answer in draft.accepted_answers if answer.strip()],
        "teacher_scored": draft.teacher_scored,
        "may_shuffle_options": draft.may_shuffle_options,
    }


def _write_version(item: Item, number: int, actor: User, checked: CheckedDraft) -> ItemVersion:
    version = ItemVersion.objects.create(
        item=item, number=number, created_by=actor, **_version_fields(checked)
    )
    _write_parts([(version, checked)])
    return version


def _rewrite_version(version: ItemVersion, checked: CheckedDraft) -> ItemVersion:
    """An unused version changed in place: its fields, and its parts written afresh."""
    fields = _version_fields(checked)
    for name, value in fields.items():
        setattr(version, name, value)
    version.save(update_fields=list(fields))
    Choice.objects.filter(version=version).delete()
    ItemStandard.objects.filter(version=version).delete()
    RubricLevel.objects.filter(criterion__version=version).delete()
    RubricCriterion.objects.filter(version=version).delete()
    version.images.clear()
    _write_parts([(version, checked)])
    return version


def _write_parts(written: Sequence[tuple[ItemVersion, CheckedDraft]]) -> None:
    """The choices, alignments, rubric and images of new (or emptied) versions: one query
    per kind of part, however many versions, through the one bulk writer."""
    insert_rows(
        Choice,
        (
            {
                "version": version.pk,
                "position": position,
                "content_source": choice.source,
                "content_html": choice.html,
                "is_correct": choice.draft.is_correct,
                "rationale": choice.draft.rationale.strip(),
                "dropped_when_reduced": choice.draft.dropped_when_reduced,
                "fixed": choice.draft.fixed,
            }
            for version, checked in written
            for position, choice in enumerate(checked.choices)
        ),
    )
    insert_rows(
        ItemStandard,
        (
            {"version": version.pk, "standard": standard.pk, "points": points, "dok": version.dok}
            for version, checked in written
            for standard, points in checked.alignments.items()
        ),
    )
    drafts = [draft for _version, checked in written for draft in checked.draft.criteria]
    criteria = insert_rows_returning_ids(
        RubricCriterion,
        (
            {
                "version": version.pk,
                "position": position,
                "title": c.title.strip(),
                "standard": c.standard.pk,
            }
            for version, checked in written
            for position, c in enumerate(checked.draft.criteria)
        ),
    )
    insert_rows(
        RubricLevel,
        (
            {"criterion": row, "position": position, "label": label.strip(), "points": points}
            for row, draft in zip(criteria, drafts, strict=True)
            for position, (label, points) in enumerate(draft.levels)
        ),
    )
    insert_rows(
        ItemVersion.images.through,
        (
            {"itemversion_id": version.pk, "itemimage_id": image}
            for version, checked in written
            for image in sorted(checked.image_ids)
        ),
    )


def duplicate_version(source: ItemVersion, item: Item, actor: User, number: int = 1) -> ItemVersion:
    """Version ``number`` of ``item``: the same content, choices, alignments, rubric and
    images as ``source``."""
    version = _copied(source, item_id=item.pk, number=number, created_by_id=actor.pk)
    version.created_at = timezone.now()
    version.save()
    Choice.objects.bulk_create(_copied(c, version_id=version.pk) for c in source.choices.all())
    ItemStandard.objects.bulk_create(
        _copied(a, version_id=version.pk, dok=version.dok) for a in source.alignments.all()
    )
    old_criteria = list(source.criteria.prefetch_related("levels"))
    new_criteria = RubricCriterion.objects.bulk_create(
        _copied(c, version_id=version.pk) for c in old_criteria
    )
    RubricLevel.objects.bulk_create(
        _copied(level, criterion_id=new.pk)
        for old, new in zip(old_criteria, new_criteria, strict=True)
        for level in old.levels.all()
    )
    version.images.set(source.images.all())
    return version


def _copied(row: Row, **changes: object) -> Row:
    """An unsaved copy of ``row`` (every column but its id) with ``changes``."""
    values = {
        f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields if not f.primary_key
    }
    return type(row)(**{**values, **changes})
