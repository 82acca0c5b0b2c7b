"""Guardians' activation letters: one page each, in the guardian's language, as a PDF.

A school's letters are made in the background (``activation_letters_make`` on the task queue)
in batches of ``LETTERS_PER_PDF``: each batch issues its codes, renders its letters and is
written into a zip on disk before the next, so memory stays flat for a school of any size.
The run's progress lives in the shared cache, readable by the web process while the worker
writes it; only the person who started a run may read or download it.
"""

from __future__ import annotations

import time
import uuid
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task

from masterly.accounts.models import User
from masterly.reports.pdf import PdfUnavailable, render_pdf
from masterly.roster.activation import activation_codes_issue, guardian_language
from masterly.roster.guardian_selectors import guardian_rows, school_guardians
from masterly.roster.models import Org

LETTERS_PER_PDF = 50
_CACHE_PREFIX = "masterly:activation-letters:"


def letters_html(
    school: Org, guardians: list[User], codes: dict[int, str], *, activate_url: str
) -> str:
    """The letters of ``guardians`` (each with its code) as one HTML document, one page each."""
    pages = []
    for row in guardian_rows(guardians):
        language = guardian_language(row.guardian)
        with translation.override(language):
            pages.append(
                render_to_string(
                    "reports/activation_letter_page.html",
                    {
                        "school": school,
                        "guardian": row.guardian,
                        "children": row.children,
                        "code": codes[row.guardian.pk],
                        "activate_url": activate_url,
                        "language": language,
                    },
                )
            )
    return render_to_string("reports/activation_letters.html", {"pages": pages})


def letters_pdf(
    school: Org, guardians: list[User], *, created_by: User | None, activate_url: str
) -> bytes:
    """New codes for ``guardians`` (revoking their earlier ones) and the PDF of their letters.
    PdfUnavailable where WeasyPrint cannot run: no code is issued then."""
    render_pdf("<p></p>")  # fails fast, before codes are revoked, where PDFs cannot be made
    codes = activation_codes_issue(guardians=guardians, created_by=created_by)
    return render_pdf(letters_html(school, guardians, codes, activate_url=activate_url))


@dataclass
class LetterRun:
    """A school's activation letters (``kind`` "letters") or emails ("emails") being made."""

    id: str
    owner_id: int
    school_id: int
    school_name: str
    status: str = "queued"  # queued, running, done, failed
    total: int = 0
    done: int = 0
    message: str = ""
    kind: str = "letters"
    sent: int = 0  # emails: sent, skipped (no address, or activated meanwhile), refused
    skipped: int = 0
    failed: int = 0
    # Guardians whose new code was issued but whose email did not go (refused, or the server
    # failed): their earlier code no longer works, so the page names them for a new letter.
    not_reached: list[str] = field(default_factory=list)
    beat: float = 0.0  # when it was last saved (epoch seconds): a run that dies falls silent

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.status in {"done", "failed"}


def letters_folder() -> Path:
    folder = Path(settings.MEDIA_ROOT) / "activation_letters"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def run_path(run_id: str) -> Path:
    return letters_folder() / f"{run_id}.zip"


def run_seconds() -> int:
    """How long a run's progress is kept: a week past its file's deletion after
    REPORT_FILES_DAYS (``reports.retention``), so its page can say it expired."""
    return (settings.REPORT_FILES_DAYS + 7) * 24 * 3600


def run_expired(run: LetterRun) -> bool:
    """The run's letters were made, and their file deleted since (too old)."""
    return (
        run.kind == "letters"
        and run.status == "done"
        and run.total > 0
        and not run_path(run.id).exists()
    )


def run_save(run: LetterRun) -> None:
    run.beat = time.time()
    cache.set(_CACHE_PREFIX + run.id, asdict(run), run_seconds())


def run_silent(run: LetterRun) -> bool:
    """Not saved for longer than a worker may be silent: the worker running it was killed
    (or it has waited that long in the queue)."""
    return time.time() - run.beat > settings.WORKER_DEAD_AFTER


def run_load(run_id: str) -> LetterRun | None:
    """The run (for the worker), None once forgotten."""
    data: dict[str, Any] | None = cache.get(_CACHE_PREFIX + run_id)
    return LetterRun(**data) if data else None


def run_get(run_id: str, *, owner: User) -> LetterRun | None:
    """The run if ``owner`` started it (else None, as for an unknown id)."""
    run = run_load(run_id)
    return run if run is not None and run.owner_id == owner.pk else None


def run_start(
    *, school: Org, owner: User, not_activated_only: bool, activate_url: str
) -> LetterRun:
    run = LetterRun(
        id=uuid.uuid4().hex, owner_id=owner.pk, school_id=school.pk, school_name=school.name
    )
    run_save(run)
    activation_letters_make.enqueue(run.id, not_activated_only, activate_url)
    return run


@task()
def activation_letters_make(run_id: str, not_activated_only: bool, activate_url: str) -> str:
    run = run_load(run_id)
    if run is None:
        return "gone"
    school = Org.objects.get(pk=run.school_id)
    owner = User.objects.filter(pk=run.owner_id).first()
    ids = list(
        school_guardians(school, not_activated_only=not_activated_only).values_list("pk", flat=True)
    )
    position = {pk: n for n, pk in enumerate(ids)}
    run.status, run.total = "running", len(ids)
    run_save(run)
    path = run_path(run_id)
    try:
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for start in range(0, len(ids), LETTERS_PER_PDF):
                batch = list(User.objects.filter(pk__in=ids[start : start + LETTERS_PER_PDF]))
                batch.sort(key=lambda user: position[user.pk])  # by name, as listed
                pdf = letters_pdf(school, batch, created_by=owner, activate_url=activate_url)
                last = start + len(batch)
                archive.writestr(f"letters-{start + 1:04d}-{last:04d}.pdf", pdf)
                run.done = last
                run_save(run)
    except PdfUnavailable as unavailable:
        path.unlink(missing_ok=True)
        run.status, run.message = "failed", unavailable.message
        run_save(run)
        return run.status
    run.status = "done"
    run_save(run)
    return run.status
