"""``roster_import``: a whole OneRoster bulk set into the roster, all or nothing, without
holding the database's write lock for longer than its short apply (ADR 17).

Files are read in the order their references need: orgs, academic sessions, courses, classes,
users, roles, then guardian links, enrollments and demographics (optional: absent from the
manifest, the students' groups are left as they are). Each is streamed in chunks (see
``steps/base.py``); nothing holds a whole file in memory. Each chunk is checked and written to
staging tables in its own short transaction, so teachers' score saves go on meanwhile. If any
file has a problem, ``RosterImportRejected`` lists every problem found (up to ``MAX_ERRORS``)
and the roster was never touched. Otherwise the mass-deactivation guard looks at what would
be deactivated, the new records are inserted ahead, invisible, in short batches
(``ahead.py``), the rows to deactivate and update are found and written to a plan, in short
batches too, and the difference is applied in one short set-based transaction that also
makes them live, finding those rows by id (``apply.py``). Staging rows, and rows inserted
ahead of an apply that did not happen, are removed afterwards, whatever happened.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Collection
from typing import Any, ClassVar, Protocol

from django.db import DatabaseError, transaction
from django.utils import timezone

from masterly.core.audit import record
from masterly.integrations.oneroster.ahead import insert_ahead
from masterly.integrations.oneroster.apply import apply_staged, plan_apply
from masterly.integrations.oneroster.context import ImportContext, ProgressCallback
from masterly.integrations.oneroster.errors import (
    ErrorList,
    RosterImportError,
    RosterImportRejected,
    TooManyErrors,
)
from masterly.integrations.oneroster.guard import deactivation_guard
from masterly.integrations.oneroster.keep import people_before_apply, people_keep_active
from masterly.integrations.oneroster.manifest import Manifest, Mode, read_manifest
from masterly.integrations.oneroster.source import RosterSource
from masterly.integrations.oneroster.staging import KINDS, staging_analyze, staging_clear
from masterly.integrations.oneroster.steps.courses import ClassStep, CourseStep
from masterly.integrations.oneroster.steps.demographics import DemographicsStep
from masterly.integrations.oneroster.steps.enrollments import EnrollmentStep
from masterly.integrations.oneroster.steps.guardians import GuardianLinkStep
from masterly.integrations.oneroster.steps.languages import LanguageRoleStep
from masterly.integrations.oneroster.steps.orgs import AcademicSessionStep, OrgStep
from masterly.integrations.oneroster.steps.roles import RoleStep
from masterly.integrations.oneroster.steps.users import UserStep
from masterly.integrations.oneroster.summary import ImportSummary

AUDIT_ACTION = "oneroster.import"


class Step(Protocol):
    filename: ClassVar[str]
    reads_file: ClassVar[bool]
    broken: bool

    def __init__(self, ctx: ImportContext) -> None: ...

    def run(self) -> None: ...


def _steps(manifest: Manifest) -> list[type[Step]]:
    """The steps for the files the manifest lists as bulk, in the order references need."""
    order: list[type[Step]] = [OrgStep, AcademicSessionStep, CourseStep, ClassStep, UserStep]
    if manifest.version == "1.2":
        order += [RoleStep, LanguageRoleStep]  # a language is for students and guardians
    order += [GuardianLinkStep, EnrollmentStep, DemographicsStep]
    return [step for step in order if manifest.mode(step.filename) is Mode.BULK]


def roster_import(
    *,
    source: RosterSource,
    actor: Any | None,
    progress: ProgressCallback | None = None,
    dry_run: bool = False,
    allow_mass_deactivation: bool = False,
    keep_active: Collection[int] = (),
    token: int | None = None,
) -> ImportSummary:
    """Import a OneRoster 1.1 or 1.2 bulk set; return what changed, per file.

    Raises ``RosterImportRejected`` (with every problem found, each naming file, line and
    column) and changes nothing when the files have a problem; ``MassDeactivationRefused``
    when they would deactivate more than ``ONEROSTER_MAX_DEACTIVATION_SHARE`` of the active
    people or current enrollments, unless ``allow_mass_deactivation``. With ``dry_run`` the
    apply runs and is then rolled back: the summary says what it would change.
    ``keep_active``: user pks the import never deactivates (nor their district admin roles),
    named in the summary if it would have. ``token`` names the staging rows (the run records
    it, so a sweeper can remove them if this process dies).
    """
    started = time.monotonic()
    errors = ErrorList()
    manifest = read_manifest(source, errors)
    if manifest is None:
        raise RosterImportRejected(errors.items)
    summary = ImportSummary(source=source.name, version=manifest.version, dry_run=dry_run)
    steps = _steps(manifest)
    ctx = ImportContext(
        source=source,
        manifest=manifest,
        errors=errors,
        summary=summary,
        now=timezone.now(),
        progress=progress,
        bytes_total=sum(source.size(s.filename) for s in steps if s.reads_file),
        token=secrets.randbits(62) if token is None else token,
    )
    current: list[str] = []
    try:
        _stage(ctx, steps, current)
        if errors:
            raise RosterImportRejected(errors.items)
        if not allow_mass_deactivation:
            deactivation_guard(ctx)
        staging_analyze()
        ahead = time.monotonic()
        insert_ahead(ctx, KINDS, on_file=current)
        planning = time.monotonic()
        summary.ahead_seconds = round(planning - ahead, 2)
        planned = plan_apply(ctx)  # found before the write lock is taken (short batches)
        summary.plan_seconds = round(time.monotonic() - planning, 2)
        applying = time.monotonic()
        with transaction.atomic():
            kept = people_before_apply(keep_active)
            apply_staged(ctx, on_file=current, planned=planned)
            summary.kept_active = people_keep_active(kept, ctx)
            summary.apply_seconds = round(time.monotonic() - applying, 2)
            summary.seconds = round(time.monotonic() - started, 2)
            record(
                actor=actor,
                action=AUDIT_ACTION,
                summary=summary.headline(),
                details=summary.as_dict(),
            )
            if dry_run:
                transaction.set_rollback(True)
    except DatabaseError as refused:
        # The checks above should leave nothing for the database to refuse; if it still does,
        # say so as plainly as any other problem (the apply is already rolled back).
        problem = RosterImportError(
            file=current[-1] if current else source.name,
            message=f"the database refused a row ({refused}). Nothing was changed; check this "
            "file for a value that is too long or repeated, and import again.",
        )
        raise RosterImportRejected([*errors.items, problem]) from refused
    finally:
        staging_clear(ctx.token)
    return summary


def _stage(ctx: ImportContext, steps: list[type[Step]], current: list[str]) -> None:
    """Read, check and stage every file (short transactions, one per chunk)."""
    try:
        for step_class in steps:
            current.append(step_class.filename)
            step = step_class(ctx)
            step.run()
            if step.broken:
                break  # a file that cannot be read would only make the next ones fail
    except TooManyErrors:
        pass
