"""Reading the district → school → tracker policy: who may set an org's policy, the levels
a tracker or an org resolves its settings from, and a policy's latest run.

The rule itself is ``masterly.trackers.policy.resolve``; these only read its inputs, a fixed
number of queries each.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from masterly.accounts.models import User
from masterly.roster import access
from masterly.roster.models import Org, Role
from masterly.trackers.models import (
    PORTAL_FIELDS,
    PolicyRun,
    SettingsPolicy,
    Tracker,
    TrackerSection,
)
from masterly.trackers.policy import (
    CALCULATION,
    GROUP_NAMES,
    PORTAL,
    SCALE,
    Level,
    Resolved,
    inherited,
    resolve_all,
)
from masterly.trackers.scales import scale_from_data
from masterly.trackers.selectors.trackers import AnyUser

DISTRICT_NAME = "the district"
TRACKER_NAME = "this tracker"


def policy_orgs(user: AnyUser) -> QuerySet[Org]:
    """The orgs whose policy ``user`` may set: the districts they administer and every school
    in them, and the schools they lead (one query when run)."""
    if not isinstance(user, User) or not user.is_active:
        return Org.objects.none()
    schools = access.visible_schools(user).values("pk")
    districts = access.visible_schools(user, as_role=Role.DISTRICT_ADMIN).values("parent")
    return Org.objects.filter(pk__in=schools) | Org.objects.filter(
        pk__in=districts, type=Org.Type.DISTRICT
    )


def policy_org_or_404(user: AnyUser, org_id: int | str) -> Org:
    """The district or school ``user`` may set the policy of, else Http404 (one query)."""
    try:
        return policy_orgs(user).select_related("parent").get(pk=int(org_id))
    except (Org.DoesNotExist, ValueError, TypeError):
        raise Http404("No such policy.") from None


def _level(org: Org, policy: SettingsPolicy | None) -> Level:
    name = DISTRICT_NAME if org.type == Org.Type.DISTRICT else org.name
    if policy is None:
        return Level(name, {})
    return Level(name, dict(policy.values), frozenset(policy.locked))


def org_levels(orgs: list[Org]) -> list[Level]:
    """The levels of ``orgs`` (top down) with their policies (one query)."""
    policies = {p.org_id: p for p in SettingsPolicy.objects.filter(org_id__in=[o.pk for o in orgs])}
    return [_level(org, policies.get(org.pk)) for org in orgs]


def org_chain(org: Org) -> list[Org]:
    """The org's district (if any) and the org, top down (``org.parent`` already loaded)."""
    if org.type != Org.Type.DISTRICT and org.parent is not None:
        return [org.parent, org]
    return [org]


@dataclass
class OrgPolicy:
    """An org's policy page: its own values and locks, and what it inherits (from where)."""

    org: Org
    levels: list[Level]
    inherited: dict[str, Resolved]
    in_force: dict[str, Resolved]

    @property
    def own(self) -> Level:
        return self.levels[-1]


def org_policy(org: Org) -> OrgPolicy:
    """The policy of ``org`` as its page shows it (one query)."""
    levels = org_levels(org_chain(org))
    return OrgPolicy(org, levels, inherited(levels), resolve_all(levels))


def tracker_school(tracker_id: int) -> Org | None:
    """The school of the tracker's first class, with its district (one query)."""
    first = (
        TrackerSection.objects.filter(tracker_id=tracker_id)
        .select_related("section__school__parent")
        .order_by("section_id")
        .first()
    )
    return None if first is None else first.section.school


def tracker_levels(tracker: Tracker) -> list[Level]:
    """The district's, the school's and the tracker's own levels (two queries)."""
    school = tracker_school(tracker.pk)
    orgs = [] if school is None else org_chain(school)
    return [*org_levels(orgs), Level(TRACKER_NAME, dict(tracker.own_settings))]


def source_phrase(resolved: Resolved) -> str:
    """Where a value comes from, for people: "Lincoln Middle's policy", "the district's
    policy", "this tracker's own setting" or "the built-in default"."""
    if resolved.source is None:
        return "the built-in default"
    if resolved.source == TRACKER_NAME:
        return "this tracker's own setting"
    return f"{resolved.source}'s policy"


@dataclass
class TrackerSetting:
    """Each setting group of a tracker: in force (and from where), and what it would
    inherit from its school and district (and whether they locked it)."""

    in_force: dict[str, Resolved]
    inherited: dict[str, Resolved]

    @property
    def in_force_phrases(self) -> dict[str, str]:
        return {group: source_phrase(r) for group, r in self.in_force.items()}

    @property
    def inherited_phrases(self) -> dict[str, str]:
        return {group: source_phrase(r) for group, r in self.inherited.items()}


def tracker_setting(tracker: Tracker) -> TrackerSetting:
    """Where each setting group of the tracker comes from, and who locked it (two queries)."""
    levels = tracker_levels(tracker)
    return TrackerSetting(resolve_all(levels), inherited(levels))


def tracker_values(tracker: Tracker) -> dict[str, Any]:
    """The tracker's settings in force, by group, in the stored shape."""
    return {
        SCALE: tracker.scale,
        CALCULATION: {
            "method": tracker.method,
            "decay": str(Decimal(str(tracker.decay))),
            "weight": str(Decimal(str(tracker.weight))),
            "n_mastery": int(tracker.n_mastery),
        },
        PORTAL: {field: str(getattr(tracker, field)) for field in PORTAL_FIELDS},
    }


def locked_refusals(resolved: Mapping[str, Resolved], wanted: Mapping[str, Any]) -> dict[str, str]:
    """A message for each group in ``wanted`` a level above locked to another value."""
    return {
        group: (
            f"The {GROUP_NAMES[group]} is locked by {resolved[group].locked_by}; "
            "ask them to change it."
        )
        for group, value in wanted.items()
        if resolved[group].is_locked and not same_value(group, value, resolved[group].value)
    }


def same_value(group: str, one: Any, other: Any) -> bool:
    """Whether two values of ``group`` are the same setting (a scale of ``None`` is the
    three-level default it stands for)."""
    if group == SCALE:
        return bool(scale_from_data(one) == scale_from_data(other))
    return bool(one == other)


def same_levels(one: Any, other: Any) -> bool:
    """Whether two scales (stored shape) put every score at the same level: the same
    abbreviations, cuts and mastery level, top down. Names and colours aside, they store the
    same rollups, so changing only those recomputes nothing."""
    first, second = scale_from_data(one), scale_from_data(other)
    return first.mastery == second.mastery and [
        (level.abbreviation, level.cut) for level in first.levels
    ] == [(level.abbreviation, level.cut) for level in second.levels]


def latest_policy_run(org: Org) -> PolicyRun | None:
    return PolicyRun.objects.filter(org=org).order_by("-created_at", "-id").first()


def policy_run_or_404(user: AnyUser, org_id: int | str, run_id: int | str) -> PolicyRun:
    """A policy run of an org ``user`` may set the policy of, else Http404 (one query)."""
    try:
        return PolicyRun.objects.get(
            pk=int(run_id), org__in=policy_orgs(user).filter(pk=int(org_id))
        )
    except (PolicyRun.DoesNotExist, ValueError, TypeError):
        raise Http404("No such policy run.") from None
