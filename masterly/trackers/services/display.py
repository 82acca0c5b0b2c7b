"""The owner's choices of what a tracker shows: the Students, Mastery Tracker and Settings
buttons (students chosen and pinned, standards shown, what the portals show).

Each function is one transaction with an audit row; only the owner may call them
(:class:`~django.core.exceptions.PermissionDenied` otherwise) and bad input raises a
:class:`~django.core.exceptions.ValidationError` naming the field, with nothing written.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from masterly.accounts.models import User
from masterly.core import audit
from masterly.standards.models import Standard
from masterly.trackers.membership import tracker_students
from masterly.trackers.models import PORTAL_FIELDS, PortalShow, RecomputeRun, Tracker
from masterly.trackers.models import TrackerStandard as Placement
from masterly.trackers.policy import PORTAL, Level, resolve_all
from masterly.trackers.selectors.policy import TRACKER_NAME, locked_refusals, tracker_levels
from masterly.trackers.services.checks import check_manage, check_not_archived
from masterly.trackers.services.in_force import materialize
from masterly.trackers.services.recompute import queue_recompute

ADDED_UNIT = "Added standards"


def _check_owner_edit(actor: User | None, tracker: Tracker) -> None:
    check_manage(actor, tracker)
    check_not_archived(tracker)


def tracker_students_choose(
    *, actor: User | None, tracker: Tracker, chosen: Iterable[int], pinned: Iterable[int]
) -> None:
    """Show only the ``chosen`` students (none: all of them), ``pinned`` ones first."""
    _check_owner_edit(actor, tracker)
    chosen_ids, pinned_ids = set(chosen), set(pinned)
    enrolled = set(
        tracker_students(tracker.pk)
        .filter(user__in=chosen_ids | pinned_ids)
        .values_list("user", flat=True)
    )
    strangers = (chosen_ids | pinned_ids) - enrolled
    if strangers:
        raise ValidationError(
            {"chosen": "Choose only students of this tracker's classes; reload the page."}
        )
    with transaction.atomic():
        tracker.chosen_students.set(sorted(chosen_ids))
        tracker.pinned_students.set(sorted(pinned_ids))
        audit.record(
            actor=actor,
            action="tracker.students_chosen",
            target=tracker,
            summary=(
                f"{tracker.name!r} shows {len(chosen_ids) or 'all'} students, "
                f"{len(pinned_ids)} pinned"
            ),
            details={"chosen": sorted(chosen_ids), "pinned": sorted(pinned_ids)},
        )


def tracker_standards_show(*, actor: User | None, tracker: Tracker, shown: Iterable[int]) -> None:
    """Show the tracker's standards whose ids are in ``shown`` and hide the others.

    Hiding changes only the grid: the standard's evidence and mastery stay.
    """
    _check_owner_edit(actor, tracker)
    shown_ids = set(shown)
    placed = set(Placement.objects.filter(tracker=tracker).values_list("standard_id", flat=True))
    if shown_ids - placed:
        raise ValidationError({"shown": "Choose only standards of this tracker; reload the page."})
    if not shown_ids and placed:
        raise ValidationError({"shown": "Show at least one standard."})
    with transaction.atomic():
        Placement.objects.filter(tracker=tracker).exclude(standard_id__in=shown_ids).update(
            is_hidden=True
        )
        Placement.objects.filter(tracker=tracker, standard_id__in=shown_ids).update(is_hidden=False)
        audit.record(
            actor=actor,
            action="tracker.standards_shown",
            target=tracker,
            summary=f"{tracker.name!r} shows {len(shown_ids)} of {len(placed)} standards",
            details={"hidden": sorted(placed - shown_ids)},
        )


def tracker_standard_add(
    *, actor: User | None, tracker: Tracker, standard: Standard
) -> RecomputeRun:
    """Add a standard at the end (under "Added standards"); its mastery is computed anew."""
    _check_owner_edit(actor, tracker)
    if Placement.objects.filter(tracker=tracker, standard=standard).exists():
        raise ValidationError(
            {"standard": f"{standard} is already in this tracker (show it if it is hidden)."}
        )
    if standard.is_retired:
        raise ValidationError({"standard": f"{standard} was retired from its framework."})
    with transaction.atomic():
        last = Placement.objects.filter(tracker=tracker).aggregate(last=Max("position"))["last"]
        Placement.objects.create(
            tracker=tracker,
            standard=standard,
            unit_title=ADDED_UNIT,
            position=(last or 0) + 1,
        )
        audit.record(
            actor=actor,
            action="tracker.standard_added",
            target=tracker,
            summary=f"{standard} added to {tracker.name!r}",
            details={"standard": standard.pk},
        )
        return queue_recompute(actor=actor, tracker=tracker, reason=f"{standard} added")


def tracker_portal_change(
    *, actor: User | None, tracker: Tracker, portal: Mapping[str, str], follow: bool = False
) -> None:
    """What students and parents see: each of ``PORTAL_FIELDS`` set to a ``PortalShow`` as
    the tracker's own, or with ``follow`` the school's and district's (``portal`` ignored).
    A level above that locked it refuses another value (a ValidationError says who)."""
    _check_owner_edit(actor, tracker)
    if not follow:
        clean_portal(portal)
    with transaction.atomic():
        locked = Tracker.objects.select_for_update().get(pk=tracker.pk)
        levels = tracker_levels(locked)
        own = {k: v for k, v in locked.own_settings.items() if k != PORTAL}
        if not follow:
            wanted = {field: str(portal[field]) for field in PORTAL_FIELDS}
            refused = locked_refusals(resolve_all(levels[:-1]), {PORTAL: wanted})
            if refused:
                raise ValidationError({"portal": refused[PORTAL]})
            own[PORTAL] = wanted
        old = {field: getattr(locked, field) for field in PORTAL_FIELDS}
        if own != locked.own_settings:
            locked.own_settings = own
            locked.save(update_fields=["own_settings", "updated_at"])
        resolved = resolve_all([*levels[:-1], Level(TRACKER_NAME, own)])
        materialize(actor=actor, tracker=locked, resolved=resolved)
        tracker.own_settings = own
        for field in PORTAL_FIELDS:
            setattr(tracker, field, getattr(locked, field))
        changed = [field for field in PORTAL_FIELDS if old[field] != getattr(locked, field)]
        if not changed:
            return
        audit.record(
            actor=actor,
            action="tracker.portal_changed",
            target=tracker,
            summary=f"What students and parents see of {tracker.name!r} changed",
            details={
                "old": {field: old[field] for field in changed},
                "new": {field: getattr(locked, field) for field in changed},
            },
        )


def clean_portal(portal: Mapping[str, str]) -> None:
    """A ValidationError naming each portal setting that is not a ``PortalShow`` value."""
    errors = {
        field: f"Choose one of: {', '.join(PortalShow.labels)}."
        for field in PORTAL_FIELDS
        if portal.get(field) not in PortalShow.values
    }
    unknown = set(portal) - set(PORTAL_FIELDS)
    if unknown:
        errors["portal"] = f"Unknown portal setting {sorted(unknown)[0]!r}."
    if errors:
        raise ValidationError(errors)
