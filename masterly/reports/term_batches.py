"""A school's term progress reports, made in the background into one zip to download.

A school leader (of that school) or a district admin (over it) asks for a term; the worker
(``tasks.term_reports_make``) writes each student's PDF into a zip on disk under the data
folder, one at a time, counting as it goes: memory stays flat whatever the school's size, and
the page shows progress. Each report is the one the family downloads (same selector, same
template), so what a tracker's portal settings hide stays hidden in the batch too.
"""

from __future__ import annotations

import datetime
import logging
import secrets
import time
import unicodedata
import zipfile
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from masterly.accounts.models import User
from masterly.core import audit
from masterly.reports.models import TermReportBatch
from masterly.reports.pdf import PdfUnavailable
from masterly.reports.pdf_pool import DEFAULT_PROCESSES, pdfs_in_order
from masterly.reports.progress.documents import (
    PDF_STYLESHEETS,
    term_report_filename,
    term_report_html,
)
from masterly.roster import access
from masterly.roster.activation import guardian_language_code
from masterly.roster.models import AcademicSession, Enrollment, GuardianLink, Org, SectionTerm
from masterly.trackers.models import TrackerSection
from masterly.trackers.selectors.progress_report import ReportSubject, term_report

logger = logging.getLogger(__name__)

FOLDER = "term-reports"
PROGRESS_EVERY = 1.0  # seconds between the progress counts a running batch saves


def batch_folder() -> Path:
    folder = Path(settings.DATA_DIR) / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def batch_schools(user: User) -> QuerySet[Org]:
    """The schools whose term reports ``user`` may make: a leader's, an admin's district's."""
    return access.visible_schools(user).order_by("name")


def batch_terms(school: Org) -> list[AcademicSession]:
    """The terms (not whole school years) of the school's active classes, latest first."""
    return list(
        AcademicSession.objects.filter(
            pk__in=SectionTerm.objects.filter(
                section__school=school, section__is_active=True
            ).values("term")
        )
        .exclude(type=AcademicSession.Type.SCHOOL_YEAR)
        .order_by("-start_date", "title")
    )


def batch_request(*, actor: User, school_id: object, term_id: object) -> TermReportBatch:
    """Queue a school's reports for a term (the worker makes them once this commits)."""
    try:
        school = batch_schools(actor).get(pk=int(str(school_id)))
    except (Org.DoesNotExist, ValueError):
        raise PermissionDenied(
            "Only the school's leaders and district admins make these."
        ) from None
    term = next((t for t in batch_terms(school) if str(t.pk) == str(term_id)), None)
    if term is None:
        raise ValidationError({"term": _("Choose one of this school's terms.")})
    with transaction.atomic():
        batch = TermReportBatch.objects.create(school=school, term=term, requested_by=actor)
        audit.record(
            actor=actor,
            action="term_reports.request",
            target=batch,
            summary=f"Term reports of {school.name}, {term.title}",
            details={"school": school.pk, "term": term.pk},
        )
        transaction.on_commit(lambda: _enqueue(batch))
    return batch


def _enqueue(batch: TermReportBatch) -> None:
    from masterly.reports.tasks import term_reports_make

    result = term_reports_make.enqueue(batch.pk)
    TermReportBatch.objects.filter(pk=batch.pk).update(task_id=str(result.id)[:64])


def batch_or_404(user: User, batch_id: object) -> TermReportBatch:
    try:
        return TermReportBatch.objects.select_related("school", "term").get(
            pk=int(str(batch_id)), school__in=batch_schools(user)
        )
    except (TermReportBatch.DoesNotExist, ValueError):
        raise Http404("No such batch.") from None


def recent_batches(user: User) -> list[TermReportBatch]:
    return list(
        TermReportBatch.objects.filter(school__in=batch_schools(user))
        .select_related("school", "term")
        .order_by("-created_at", "-id")[:20]
    )


def batch_file(batch: TermReportBatch) -> Path | None:
    """The batch's zip, when it is ready and still on disk."""
    if batch.status != TermReportBatch.Status.DONE or not batch.file_name:
        return None
    path = batch_folder() / batch.file_name
    return path if path.is_file() else None


# ------------------------------------------------------------------ the worker's part


def _subjects(batch: TermReportBatch) -> Iterator[ReportSubject]:
    """Each (tracker, class, student) of the school's classes in the term, in a stable order;
    the rows are read in one query and streamed."""
    placements = (
        _placements(batch)
        .select_related("tracker", "section")
        .order_by("section__title", "section_id", "tracker__name", "tracker_id")
    )
    for placement in placements:
        students = User.objects.filter(
            pk__in=Enrollment.objects.filter(
                section=placement.section, role=Enrollment.Role.STUDENT, is_active=True
            ).values("user")
        ).order_by("last_name", "first_name", "id")
        for student in students.iterator(chunk_size=200):
            yield ReportSubject(
                student=student,
                tracker=placement.tracker,
                section=placement.section,
                school=batch.school,
                for_family=True,
            )


def _zip_name(subject: ReportSubject, filename: str) -> str:
    folder = subject.section.title
    text = f"{folder}/{filename}"
    return "".join(
        "-" if unicodedata.category(c).startswith("C") or c in '\\:"*?<>|' else c for c in text
    )


def run_batch(batch_id: int, *, processes: int = DEFAULT_PROCESSES) -> TermReportBatch:
    """Make a queued batch's reports into its zip (safe to call twice: only a queued batch
    runs), the PDFs on ``processes`` cores. The total counts a student once per tracker of
    each of their classes."""
    batch = TermReportBatch.objects.select_related("school", "term").get(pk=batch_id)
    claimed = TermReportBatch.objects.filter(
        pk=batch.pk, status=TermReportBatch.Status.QUEUED
    ).update(status=TermReportBatch.Status.RUNNING, started_at=timezone.now())
    if not claimed:
        return batch
    total = _count_reports(batch)
    TermReportBatch.objects.filter(pk=batch.pk).update(total=total)
    name = f"{batch.pk}-{secrets.token_hex(8)}.zip"
    final = batch_folder() / name
    partial = final.with_suffix(".part")
    today = timezone.localdate()
    done, counted_at = 0, time.monotonic()
    try:
        pages = _pages(batch, today)
        pdfs = pdfs_in_order(pages, processes=processes, stylesheets=PDF_STYLESHEETS)
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for entry, pdf in pdfs:
                archive.writestr(entry, pdf)
                done += 1
                if time.monotonic() - counted_at >= PROGRESS_EVERY:  # not a write per report
                    TermReportBatch.objects.filter(pk=batch.pk).update(done=done)
                    counted_at = time.monotonic()
        partial.rename(final)
    except Exception as error:  # any failure ends the batch, said on its page
        partial.unlink(missing_ok=True)
        logger.exception("term reports batch %s failed", batch.pk)
        message = error.message if isinstance(error, PdfUnavailable) else str(error)
        _finish(batch, TermReportBatch.Status.FAILED, error=message[:2000])
        return TermReportBatch.objects.get(pk=batch.pk)
    _finish(batch, TermReportBatch.Status.DONE, file_name=name, total=done, done=done)
    return TermReportBatch.objects.get(pk=batch.pk)


def _pages(batch: TermReportBatch, today: datetime.date) -> Iterator[tuple[str, str]]:
    """Each report's name in the zip and its HTML, in its family's language."""
    seen: set[str] = set()
    languages = _family_languages(batch)
    for subject in _subjects(batch):
        with translation.override(languages.get(subject.student.pk, settings.LANGUAGE_CODE)):
            report = term_report(subject, batch.term, today)
            html = term_report_html(report, for_pdf=True, links={})
        yield _unique(_zip_name(subject, term_report_filename(report)), seen), html


def _family_languages(batch: TermReportBatch) -> dict[int, str]:
    """The language each student's report is read in: the first of their guardians (by id)
    with a language Masterly speaks other than the default; students without one are left
    out (the default). One query."""
    students = Enrollment.objects.filter(
        section__in=_placements(batch).values("section"),
        role=Enrollment.Role.STUDENT,
        is_active=True,
    ).values("user")
    languages: dict[int, str] = {}
    for student_id, preferred in (
        GuardianLink.objects.filter(student__in=students, is_active=True, guardian__is_active=True)
        .exclude(guardian__preferred_language="")
        .order_by("student_id", "guardian_id")
        .values_list("student_id", "guardian__preferred_language")
    ):
        language = guardian_language_code(preferred)
        if student_id not in languages and language != settings.LANGUAGE_CODE:
            languages[student_id] = language
    return languages


def _placements(batch: TermReportBatch) -> QuerySet[TrackerSection]:
    """The batch's classes in each tracker: active trackers' classes at the school in the term."""
    return TrackerSection.objects.filter(
        tracker__is_archived=False,
        section__school=batch.school,
        section__is_active=True,
        section__in=SectionTerm.objects.filter(term=batch.term).values("section"),
    )


def _count_reports(batch: TermReportBatch) -> int:
    """How many reports the batch makes: one per student per tracker of each class (one query)."""
    enrolled = Q(
        section__enrollments__role=Enrollment.Role.STUDENT, section__enrollments__is_active=True
    )
    counted = _placements(batch).aggregate(n=Count("section__enrollments", filter=enrolled))
    return int(counted["n"] or 0)


def _unique(name: str, seen: set[str]) -> str:
    candidate, number = name, 2
    while candidate in seen:
        stem, dot, ext = name.rpartition(".")
        candidate = f"{stem} ({number}){dot}{ext}"
        number += 1
    seen.add(candidate)
    return candidate


def _finish(batch: TermReportBatch, status: str, **fields: object) -> None:
    TermReportBatch.objects.filter(pk=batch.pk).update(
        status=status, finished_at=timezone.now(), **fields
    )
