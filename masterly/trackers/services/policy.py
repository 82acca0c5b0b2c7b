"""Setting a district's or school's policy, and keeping each tracker's settings in force.

A tracker's setting columns hold the values in force (``masterly.trackers.policy``); they
change when the teacher changes the tracker's own settings (``calculation``, ``display``) or
when a policy above it changes (:func:`settings_policy_change` queues a :class:`PolicyRun`;
:func:`run_policy` applies it to every tracker under the org on the worker, recomputing the
rollups of each whose calculation or scale's levels changed, one after another; a scale
only renamed or recoloured is stored without a recompute).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from masterly.accounts.models import User
from masterly.core import audit
from masterly.mastery import MasteryError
from masterly.roster.models import Org, Section
from masterly.trackers.models import (
    PORTAL_FIELDS,
    PolicyRun,
    RecomputeRun,
    SettingsPolicy,
    Tracker,
    TrackerSection,
)
from masterly.trackers.policy import (
    CALCULATION,
    CALCULATION_FIELDS,
    GROUPS,
    PORTAL,
    SCALE,
    Level,
    resolve_all,
)
from masterly.trackers.scales import scale_from_data, scale_to_data
from masterly.trackers.selectors.policy import (
    TRACKER_NAME,
    locked_refusals,
    org_chain,
    org_levels,
    policy_orgs,
)
from masterly.trackers.services.calculation import clean_settings
from masterly.trackers.services.display import clean_portal
from masterly.trackers.services.in_force import materialize

# ------------------------------------------------------------------ values of a group


def clean_group(group: str, value: Any) -> Any:
    """``value`` of ``group`` in its stored shape, or a ValidationError naming what is wrong
    (its keys are the group's fields, or the group for the scale)."""
    if group == SCALE:
        try:
            return scale_to_data(scale_from_data(value)) if value is not None else None
        except MasteryError as error:
            text = str(error)
            raise ValidationError({SCALE: f"{text[:1].upper()}{text[1:]}."}) from None
    if group == CALCULATION:
        if not isinstance(value, Mapping):
            raise ValidationError({CALCULATION: "Give the method and its parameters."})
        fields = {field: value.get(field) for field in CALCULATION_FIELDS}
        clean_settings(**fields, scale=None)
        return {
            "method": str(fields["method"]),
            "decay": str(Decimal(str(fields["decay"]))),
            "weight": str(Decimal(str(fields["weight"]))),
            "n_mastery": int(str(fields["n_mastery"])),
        }
    if group == PORTAL:
        if not isinstance(value, Mapping):
            raise ValidationError({PORTAL: "Give what students and parents see."})
        clean_portal(value)
        return {field: str(value[field]) for field in PORTAL_FIELDS}
    raise ValidationError({"group": f"Unknown setting group {group!r}."})


# ------------------------------------------------------------------ an org's policy


def _check_may_set(actor: User | None, org: Org) -> None:
    if actor is not None and not policy_orgs(actor).filter(pk=org.pk).exists():
        raise PermissionDenied("Only the district's admins, or the school's leaders, set it.")


def settings_policy_change(
    *,
    actor: User | None,
    org: Org,
    values: Mapping[str, Any],
    locked: Collection[str],
) -> PolicyRun | None:
    """Set the org's own values (``values``: group → value; a group left out is inherited)
    and the groups it locks, and queue applying them to every tracker under it.

    A ValidationError names each bad value, and each group a level above locked, with nothing
    written. Returns the queued run, or ``None`` when nothing changed.
    """
    _check_may_set(actor, org)
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for group, value in values.items():
        try:
            cleaned[group] = clean_group(group, value)
        except ValidationError as problem:
            for field, messages in problem.message_dict.items():
                errors.setdefault(field, []).extend(messages)
    unknown = set(locked) - set(GROUPS)
    if unknown:
        errors.setdefault("locked", []).append(f"Unknown setting group {sorted(unknown)[0]!r}.")
    chain = org_chain(org)
    above = resolve_all(org_levels(chain[:-1])) if len(chain) > 1 else None
    if above is not None:
        for group, message in locked_refusals(above, cleaned).items():
            errors.setdefault(group, []).append(message)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        policy, _ = SettingsPolicy.objects.select_for_update().get_or_create(org=org)
        old: dict[str, Any] = {"values": dict(policy.values), "locked": sorted(policy.locked)}
        new: dict[str, Any] = {"values": cleaned, "locked": sorted(set(locked))}
        if old == new:
            return None
        policy.values, policy.locked = new["values"], new["locked"]
        policy.updated_by, policy.updated_at = actor, timezone.now()
        policy.save(update_fields=["values", "locked", "updated_by", "updated_at"])
        level = "district" if org.type == Org.Type.DISTRICT else "school"
        changed = sorted(
            group
            for group in GROUPS
            if old["values"].get(group) != cleaned.get(group)
            or (group in old["locked"]) != (group in new["locked"])
        )
        audit.record(
            actor=actor,
            action="policy.changed",
            target=org,
            summary=f"The {level} policy of {org.name} changed: {', '.join(changed)}",
            details={"level": level, "org": org.pk, "old": old, "new": new, "groups": changed},
        )
        run = PolicyRun.objects.create(org=org, requested_by=actor)
        _enqueue(run)
    return run


def _enqueue(run: PolicyRun) -> None:
    from masterly.trackers.tasks import apply_settings_policy

    def send() -> None:
        result = apply_settings_policy.enqueue(run.pk)
        PolicyRun.objects.filter(pk=run.pk).update(task_id=str(result.id)[:64])

    transaction.on_commit(send)


# ------------------------------------------------------------------ applying it


def _trackers_under(org: Org) -> list[tuple[int, int]]:
    """(tracker, school) of every current tracker whose first class is at ``org`` or a school
    under it (two queries): that school's policy is the one a tracker follows."""
    first: dict[int, tuple[int, int]] = {}
    schools = Org.objects.filter(pk=org.pk) | Org.objects.filter(parent=org)
    sections = Section.objects.filter(school__in=schools.values("pk"))
    # Archived trackers are last years' records: a policy changed since does not rewrite them.
    candidates = TrackerSection.objects.filter(
        section__in=sections.values("pk"), tracker__is_archived=False
    ).values("tracker")
    for tracker_id, section_id, school_id in (
        TrackerSection.objects.filter(tracker__in=candidates)
        .order_by("tracker_id", "section_id")
        .values_list("tracker_id", "section_id", "section__school_id")
    ):
        first.setdefault(tracker_id, (section_id, school_id))
    allowed = set(schools.values_list("pk", flat=True))
    return [(t, school) for t, (_, school) in first.items() if school in allowed]


def run_policy(run_id: int) -> PolicyRun:
    """Apply the org's policy to every tracker under it (see the module docstring).

    Each tracker is one transaction: its settings in force are stored and, if its
    calculation or scale changed, its rollups recomputed before the next tracker starts.
    """
    from masterly.trackers.rollups import run_recompute

    run = PolicyRun.objects.select_related("org", "org__parent").get(pk=run_id)
    targets = _trackers_under(run.org)
    run.status, run.started_at, run.total_trackers = (
        run.Status.RUNNING,
        timezone.now(),
        len(targets),
    )
    run.save(update_fields=["status", "started_at", "total_trackers"])
    schools = {
        school.pk: school
        for school in Org.objects.filter(pk__in={school for _, school in targets}).select_related(
            "parent"
        )
    }
    levels = {pk: org_levels(org_chain(school)) for pk, school in schools.items()}
    try:
        for tracker_id, school_id in targets:
            recompute = _apply_one(run, tracker_id, levels[school_id])
            if recompute is not None:
                run_recompute(recompute.pk)
            PolicyRun.objects.filter(pk=run.pk).update(done_trackers=F("done_trackers") + 1)
    except Exception as error:
        PolicyRun.objects.filter(pk=run.pk).update(
            status=run.Status.FAILED, finished_at=timezone.now(), error=str(error)[:2000]
        )
        raise
    PolicyRun.objects.filter(pk=run.pk).update(status=run.Status.DONE, finished_at=timezone.now())
    run.refresh_from_db()
    return run


def _apply_one(run: PolicyRun, tracker_id: int, levels: list[Level]) -> RecomputeRun | None:
    with transaction.atomic():
        tracker = Tracker.objects.select_for_update().get(pk=tracker_id)
        resolved = resolve_all([*levels, Level(TRACKER_NAME, dict(tracker.own_settings))])
        changed = materialize(actor=run.requested_by, tracker=tracker, resolved=resolved)
        if not changed:
            return None
        PolicyRun.objects.filter(pk=run.pk).update(changed_trackers=F("changed_trackers") + 1)
        audit.record(
            actor=run.requested_by,
            action="tracker.policy_applied",
            target=tracker,
            summary=f"{tracker.name!r} follows the changed policy of {run.org.name}",
            details={"policy_run": run.pk, "groups": changed.groups},
        )
        if not changed.recomputes:
            return None
        return RecomputeRun.objects.create(
            tracker=tracker,
            reason=f"The policy of {run.org.name} changed"[:200],
            requested_by=run.requested_by,
            settings_version=tracker.settings_version,
        )
