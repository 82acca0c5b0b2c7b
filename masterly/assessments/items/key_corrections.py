"""Correcting the key of an item an assessment uses: always a new version (ADR 18).

The version students saw stays as it was; the corrected one is the next version of the same
item (the bank's current one too, when the corrected version was current). Scoring with it is
the assessment's choice (:class:`~masterly.assessments.responses.models.KeyCorrection`) and
rescoring follows (``trackers.services.rescoring``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from masterly.accounts.models import User
from masterly.assessments.items.models import CHOICE_TYPES, InteractionType, Item, ItemVersion
from masterly.assessments.items.selectors import can_edit_item
from masterly.assessments.items.services import duplicate_version
from masterly.assessments.scoring import normal_text
from masterly.core import audit


@dataclass(frozen=True, slots=True)
class KeyChange:
    """The corrected key: the correct positions (choice items), the accepted answers (short
    text), or the answer and tolerance (numeric entry). ``None`` keeps that part."""

    correct: frozenset[int] | None = None
    accepted_answers: Sequence[str] | None = None
    numeric_answer: Decimal | None = None
    numeric_tolerance: Decimal | None = None


def check_key_change(version: ItemVersion, change: KeyChange) -> None:
    """ValidationError naming what is wrong with ``change`` for ``version`` (no write)."""
    kind = version.interaction
    if kind in CHOICE_TYPES:
        count = version.choices.count()
        chosen = change.correct or frozenset()
        if not chosen or any(not 0 <= p < count for p in chosen):
            raise ValidationError({"correct": "Choose the correct option(s) among the item's."})
        if kind != InteractionType.MULTIPLE_SELECT and len(chosen) != 1:
            raise ValidationError({"correct": "This item has exactly one correct option."})
        now = frozenset(version.choices.filter(is_correct=True).values_list("position", flat=True))
        if chosen == now:
            raise ValidationError({"correct": "That is the key already; choose another."})
    elif kind == InteractionType.NUMERIC:
        answer = (
            change.numeric_answer if change.numeric_answer is not None else version.numeric_answer
        )
        tolerance = (
            change.numeric_tolerance
            if change.numeric_tolerance is not None
            else version.numeric_tolerance
        )
        if tolerance < 0:
            raise ValidationError({"numeric_tolerance": "The tolerance cannot be negative."})
        if (answer, tolerance) == (version.numeric_answer, version.numeric_tolerance):
            raise ValidationError({"numeric_answer": "That is the key already; change it."})
    elif kind == InteractionType.SHORT_TEXT and not version.teacher_scored:
        answers = [a.strip() for a in change.accepted_answers or () if a.strip()]
        if not answers:
            raise ValidationError({"accepted_answers": "Give at least one accepted answer."})
        if {normal_text(a) for a in answers} == {normal_text(a) for a in version.accepted_answers}:
            raise ValidationError({"accepted_answers": "Those are the accepted answers already."})
    else:
        raise ValidationError(
            {"correct": "The teacher scores this item: it has no key to correct."}
        )


def item_key_correct(
    *, actor: User, version: ItemVersion, change: KeyChange, may_correct: bool = False
) -> ItemVersion:
    """The next version of ``version``'s item with the corrected key. The item's owner (or
    its district's admins) may correct it; ``may_correct`` is the caller's word that
    ``actor`` answers for an assessment using it (its author scoring it)."""
    item = Item.objects.get(pk=version.item_id)
    if not (may_correct or can_edit_item(actor, item)):
        raise PermissionDenied(
            "Only the item's owner, or the assessment's author, corrects its key."
        )
    check_key_change(version, change)
    with transaction.atomic():
        item = Item.objects.select_for_update().get(pk=item.pk)
        last = ItemVersion.objects.filter(item=item).aggregate(n=Max("number"))["n"] or 0
        corrected = duplicate_version(version, item, actor, number=last + 1)
        if change.correct is not None:
            for choice in corrected.choices.all():
                choice.is_correct = choice.position in change.correct
                # A key is never dropped for reduced answer choices.
                choice.dropped_when_reduced = choice.dropped_when_reduced and not choice.is_correct
                choice.save(update_fields=["is_correct", "dropped_when_reduced"])
        if change.accepted_answers is not None:
            corrected.accepted_answers = [a.strip() for a in change.accepted_answers if a.strip()]
        if change.numeric_answer is not None:
            corrected.numeric_answer = change.numeric_answer
        if change.numeric_tolerance is not None:
            corrected.numeric_tolerance = change.numeric_tolerance
        corrected.save()
        if item.current_id == version.pk:
            item.current = corrected
        item.updated_at = timezone.now()
        item.save(update_fields=["current", "updated_at"])
        audit.record(
            actor=actor,
            action="item.key_corrected",
            target=item,
            summary=f"Item {item.pk} key corrected in version {corrected.number}",
            details={"from_version": version.number},
        )
    return corrected
