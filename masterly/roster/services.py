"""Roster writes, in bulk: what a roster import (OneRoster today) does to the roster.

Every write of orgs, terms, courses, sections, enrollments, role assignments and guardian links
from an outside source goes through these functions. They work a batch at a time with a fixed
number of queries whatever the batch size, and they never delete: a record that should go is
deactivated (``is_active=False``) so the history that points at it stays.

An unchanged record costs no write: each carries the hash of the row it came from
(``source_hash``) and is only written when the hash or its active state differs.

The caller owns the transaction and the audit record (one per import, not one per row).
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import Exists, Max, OuterRef, Q, Subquery

from masterly.accounts.models import User
from masterly.core.bulk import insert_rows, rows_where_in
from masterly.roster.models import (
    AcademicSession,
    Course,
    Enrollment,
    GuardianLink,
    Org,
    RoleAssignment,
    Section,
    SectionTerm,
)

SourcedModel: TypeAlias = (
    type[Org] | type[AcademicSession] | type[Course] | type[Section] | type[Enrollment] | type[User]
)


@dataclass(frozen=True, slots=True)
class IncomingRecord:
    """A record as the source has it. Empty ``fields`` means: only deactivate it if it exists."""

    sourced_id: str
    source_hash: str
    is_active: bool
    fields: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ExistingRecord:
    pk: int
    source_hash: str
    is_active: bool


@dataclass
class WriteCounts:
    created: int = 0
    updated: int = 0
    deactivated: int = 0
    unchanged: int = 0

    def add(self, other: WriteCounts) -> None:
        self.created += other.created
        self.updated += other.updated
        self.deactivated += other.deactivated
        self.unchanged += other.unchanged


@dataclass
class UpsertResult:
    counts: WriteCounts = field(default_factory=WriteCounts)
    ids: dict[str, int] = field(default_factory=dict)  # sourced_id → pk, for every record kept
    written_ids: list[int] = field(default_factory=list)  # pks created or changed


def _outcome(counts: WriteCounts, *, was_active: bool | None, is_active: bool) -> None:
    if was_active is None:
        counts.created += 1
    elif was_active and not is_active:
        counts.deactivated += 1
    else:
        counts.updated += 1


def sourced_records_existing(
    *, model: SourcedModel, sourced_ids: Collection[str]
) -> dict[str, ExistingRecord]:
    """The records already there for these sourcedIds (one query): what an upsert compares."""
    if not sourced_ids:
        return {}
    rows = rows_where_in(
        model, ("sourced_id", "id", "source_hash", "is_active"), "sourced_id", sourced_ids
    )
    return {str(sid): ExistingRecord(pk, digest, active) for sid, pk, digest, active in rows}


def sourced_records_upsert(
    *,
    model: SourcedModel,
    records: Sequence[IncomingRecord],
    existing: Mapping[str, ExistingRecord],
    now: datetime.datetime,
) -> UpsertResult:
    """Create the new records, update the changed ones, skip the unchanged (no write at all).

    ``existing`` is what ``sourced_records_existing`` returned for these records. New users
    get an unusable password (they sign in through SSO or an activation); an existing user's
    password is never touched.
    """
    result = UpsertResult()
    counts = result.counts
    to_create: list[dict[str, Any]] = []
    to_update: list[Any] = []
    to_deactivate: list[int] = []
    field_names: list[str] = []
    stamped = any(f.name == "updated_at" for f in model._meta.concrete_fields)
    for record in records:
        before = existing.get(record.sourced_id)
        if before is not None:
            result.ids[record.sourced_id] = before.pk
        if not record.fields:  # a row to be deleted
            if before is not None and before.is_active:
                to_deactivate.append(before.pk)
                counts.deactivated += 1
            else:
                counts.unchanged += 1
            continue
        if (
            before is not None
            and before.source_hash == record.source_hash
            and before.is_active == record.is_active
        ):
            counts.unchanged += 1
            continue
        values = dict(record.fields)
        values.update(source_hash=record.source_hash, is_active=record.is_active)
        if stamped:
            values["updated_at"] = now
        if before is None:
            values["sourced_id"] = record.sourced_id
            if model is User:
                # Random per user, as Django's make_password(None) does, without its cost.
                values["password"] = UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)
            to_create.append(values)
        else:
            to_update.append(model(pk=before.pk, **values))
            result.written_ids.append(before.pk)
            field_names = list(values)
        _outcome(
            counts,
            was_active=None if before is None else before.is_active,
            is_active=record.is_active,
        )
    if to_create:
        insert_rows(model, to_create)
        new = [values["sourced_id"] for values in to_create]
        for sourced_id, pk in rows_where_in(model, ("sourced_id", "id"), "sourced_id", new):
            result.ids[str(sourced_id)] = pk
            result.written_ids.append(pk)
    if to_update:
        model.objects.bulk_update(to_update, field_names)
    if to_deactivate:
        changes: dict[str, Any] = {"is_active": False}
        if stamped:
            changes["updated_at"] = now
        model.objects.filter(pk__in=to_deactivate).update(**changes)
        result.written_ids.extend(to_deactivate)
    return result


def sourced_records_deactivate_missing(
    *, model: SourcedModel, seen: Exists, up_to_pk: int, now: datetime.datetime
) -> int:
    """Deactivate the active records a complete (bulk) source no longer has, in one UPDATE.

    ``seen`` is true for the records met in the source that already existed; records created
    by this import have a pk above ``up_to_pk`` (the largest pk before it began) and are kept.
    Users never imported (no sourcedId: a superuser made by hand) are never touched.
    """
    missing = model.objects.filter(is_active=True, pk__lte=up_to_pk).filter(~seen)
    changes: dict[str, Any] = {"is_active": False}
    if model is User:
        missing = missing.filter(sourced_id__isnull=False)
    else:
        changes["updated_at"] = now
    return _update_if_any(missing, changes)


def _update_if_any(queryset: Any, changes: dict[str, Any]) -> int:
    """Look before writing: an import that changes nothing issues no write statement at all."""
    return queryset.update(**changes) if queryset.exists() else 0


def sourced_records_set_parents(
    *, model: type[Org] | type[AcademicSession], parents: Mapping[int, int]
) -> None:
    """Set parents named after their children (a school listed before its district)."""
    if parents:
        changed: list[Any] = [
            model(pk=child, parent_id=parent) for child, parent in parents.items()
        ]
        model.objects.bulk_update(changed, ["parent"])


# ------------------------------------------------------------------ sections and their terms


def section_terms_set(*, terms_by_section: Mapping[int, Collection[int]]) -> None:
    """Make each section's terms exactly these (three queries for the whole batch)."""
    if not terms_by_section:
        return
    current: dict[int, set[int]] = {pk: set() for pk in terms_by_section}
    links = SectionTerm.objects.filter(section_id__in=list(terms_by_section))
    for section_id, term_id in links.values_list("section_id", "term_id"):
        current[section_id].add(term_id)
    stale = Q()
    new: list[dict[str, int]] = []
    for section_id, wanted in terms_by_section.items():
        have = current[section_id]
        new.extend({"section_id": section_id, "term_id": t} for t in set(wanted) - have)
        if gone := have - set(wanted):
            stale |= Q(section_id=section_id, term_id__in=gone)
    if stale:
        SectionTerm.objects.filter(stale).delete()
    insert_rows(SectionTerm, new)


def sections_ends_on_refresh(*, term_ids: Iterable[int]) -> int:
    """Recompute ``ends_on`` of the sections in these terms (after a term's dates changed)."""
    term_ids = list(term_ids)
    if not term_ids:
        return 0
    last_day = (
        SectionTerm.objects.filter(section=OuterRef("pk"))
        .values("section")
        .annotate(last=Max("term__end_date"))
        .values("last")
    )
    sections = Section.objects.filter(
        pk__in=SectionTerm.objects.filter(term_id__in=term_ids).values("section_id")
    )
    return sections.update(ends_on=Subquery(last_day))


# ------------------------------------------------------------------ role assignments, guardians

RoleKey = tuple[int, str, int]  # (user pk, role, org pk)
LinkKey = tuple[int, int]  # (guardian pk, student pk)


@dataclass(frozen=True, slots=True)
class ExistingRelation:
    pk: int
    is_primary: bool
    is_active: bool


@dataclass
class RelationResult:
    counts: WriteCounts = field(default_factory=WriteCounts)
    existing_ids: list[int] = field(default_factory=list)  # pks met that were already there


def role_assignments_existing(*, user_ids: Collection[int]) -> dict[RoleKey, ExistingRelation]:
    if not user_ids:
        return {}
    rows = rows_where_in(
        RoleAssignment,
        ("user_id", "role", "org_id", "id", "is_primary", "is_active"),
        "user_id",
        user_ids,
    )
    return {
        (u, r, o): ExistingRelation(pk, primary, active) for u, r, o, pk, primary, active in rows
    }


def role_assignments_upsert(
    *, assignments: Mapping[RoleKey, bool], existing: Mapping[RoleKey, ExistingRelation]
) -> RelationResult:
    """Each (user, role, org) → is_primary made active; unchanged ones are not written."""
    result = RelationResult()
    new: list[dict[str, Any]] = []
    changed: list[RoleAssignment] = []
    for (user_id, role, org_id), is_primary in assignments.items():
        before = existing.get((user_id, role, org_id))
        if before is None:
            new.append(
                {"user_id": user_id, "role": role, "org_id": org_id, "is_primary": is_primary}
            )
            result.counts.created += 1
            continue
        result.existing_ids.append(before.pk)
        if before.is_active and before.is_primary == is_primary:
            result.counts.unchanged += 1
            continue
        changed.append(RoleAssignment(pk=before.pk, is_primary=is_primary, is_active=True))
        result.counts.updated += 1
    insert_rows(RoleAssignment, new)
    if changed:
        RoleAssignment.objects.bulk_update(changed, ["is_primary", "is_active"])
    return result


def role_assignments_deactivate_missing(*, seen: Exists, up_to_pk: int) -> int:
    """Deactivate imported people's roles the source no longer gives them (one UPDATE)."""
    missing = RoleAssignment.objects.filter(
        is_active=True, pk__lte=up_to_pk, user__sourced_id__isnull=False
    ).filter(~seen)
    return _update_if_any(missing, {"is_active": False})


def guardian_links_existing(*, pairs: Collection[LinkKey]) -> dict[LinkKey, ExistingRelation]:
    if not pairs:
        return {}
    guardians = {guardian for guardian, _ in pairs}
    rows = GuardianLink.objects.filter(guardian_id__in=guardians).values_list(
        "guardian_id", "student_id", "pk", "is_active"
    )
    return {
        (g, s): ExistingRelation(pk, False, active) for g, s, pk, active in rows if (g, s) in pairs
    }


def guardian_links_upsert(
    *, pairs: Collection[LinkKey], existing: Mapping[LinkKey, ExistingRelation]
) -> RelationResult:
    """Link each guardian to the child; an inactive link comes back, an active one is kept."""
    result = RelationResult()
    new: list[dict[str, int]] = []
    revived: list[int] = []
    for guardian_id, student_id in pairs:
        before = existing.get((guardian_id, student_id))
        if before is None:
            new.append({"guardian_id": guardian_id, "student_id": student_id})
            result.counts.created += 1
            continue
        result.existing_ids.append(before.pk)
        if before.is_active:
            result.counts.unchanged += 1
        else:
            revived.append(before.pk)
            result.counts.updated += 1
    insert_rows(GuardianLink, new)
    if revived:
        GuardianLink.objects.filter(pk__in=revived).update(is_active=True)
    return result


def guardian_links_deactivate_missing(*, seen: Exists, up_to_pk: int) -> int:
    """Deactivate links of imported guardians that the source no longer has (one UPDATE)."""
    missing = GuardianLink.objects.filter(
        is_active=True, pk__lte=up_to_pk, guardian__sourced_id__isnull=False
    ).filter(~seen)
    return _update_if_any(missing, {"is_active": False})


def largest_pks() -> dict[str, int]:
    """The largest pk of each roster table now: records above it were created afterwards."""
    tables: dict[str, Any] = {
        "org": Org,
        "session": AcademicSession,
        "course": Course,
        "section": Section,
        "user": User,
        "enrollment": Enrollment,
        "role": RoleAssignment,
        "guardian": GuardianLink,
    }
    return {
        kind: model.objects.aggregate(top=Max("pk"))["top"] or 0 for kind, model in tables.items()
    }
