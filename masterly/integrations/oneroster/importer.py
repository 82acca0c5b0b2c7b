"""``roster_import``: a whole OneRoster bulk set into the roster, as one transaction.

Files are read in the order their references need: orgs, academic sessions, courses, classes,
users, roles, then guardian links and enrollments. Each is streamed in chunks (see
``steps/base.py``); nothing holds a whole file in memory. If any file has a problem the
transaction is rolled back and ``RosterImportRejected`` lists every problem found (up to
``MAX_ERRORS``): the database is exactly as it was.
"""

from __future__ import annotations

import time
from typing import Any, ClassVar, Protocol

from django.db import DatabaseError, transaction
from django.utils import timezone

from masterly.core.audit import record
from masterly.integrations.oneroster.context import ImportContext, ProgressCallback
from masterly.integrations.oneroster.errors import (
    ErrorList,
    RosterImportError,
    RosterImportRejected,
    TooManyErrors,
)
from masterly.integrations.oneroster.manifest import Manifest, Mode, read_manifest
from masterly.integrations.oneroster.models import SeenRow
from masterly.integrations.oneroster.source import RosterSource
from masterly.integrations.oneroster.steps.courses import ClassStep, CourseStep
from masterly.integrations.oneroster.steps.enrollments import EnrollmentStep
from masterly.integrations.oneroster.steps.guardians import GuardianLinkStep
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
        order.append(RoleStep)
    order += [GuardianLinkStep, EnrollmentStep]
    return [step for step in order if manifest.mode(step.filename) is Mode.BULK]


def roster_import(
    *,
    source: RosterSource,
    actor: Any | None,
    progress: ProgressCallback | None = None,
    dry_run: bool = False,
) -> ImportSummary:
    """Import a OneRoster 1.1 or 1.2 bulk set; return what changed, per file.

    Raises ``RosterImportRejected`` (with every problem found, each naming file, line and
    column) and changes nothing when the files have a problem. With ``dry_run`` the whole
    import runs and is then rolled back: the summary says what it would change.
    """
    started = time.monotonic()
    errors = ErrorList()
    manifest = read_manifest(source, errors)
    if manifest is None:
        raise RosterImportRejected(errors.items)
    summary = ImportSummary(source=source.name, version=manifest.version, dry_run=dry_run)
    steps = _steps(manifest)
    current = ""
    try:
        with transaction.atomic():
            ctx = ImportContext(
                source=source,
                manifest=manifest,
                errors=errors,
                summary=summary,
                now=timezone.now(),
                progress=progress,
                bytes_total=sum(source.size(s.filename) for s in steps if s.reads_file),
            )
            try:
                for step_class in steps:
                    current = step_class.filename
                    step = step_class(ctx)
                    step.run()
                    if step.broken:
                        break  # a file that cannot be read would only make the next ones fail
            except TooManyErrors:
                pass
            if errors:
                raise RosterImportRejected(errors.items)
            SeenRow.objects.filter(token=ctx.token).delete()
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
        # say so as plainly as any other problem (the transaction is already rolled back).
        problem = RosterImportError(
            file=current or source.name,
            message=f"the database refused a row ({refused}). Nothing was changed; check this "
            "file for a value that is too long or repeated, and import again.",
        )
        raise RosterImportRejected([*errors.items, problem]) from refused
    return summary
