"""Activation emails: for guardians whose roster record has an email address, one at a time
or a whole school's in the background.

Each email carries a fresh code (revoking the guardian's earlier ones) and its one-click link,
in the guardian's language. A school's emails go to every guardian of it with an address who
has not chosen a sign-in yet, after the leader or admin has confirmed the count; the worker
(``activation_emails_send``) sends them in chunks over one mail connection, counting sent,
skipped (no address, or activated meanwhile) and failed, which the run's page shows.
"""

from __future__ import annotations

import logging
import smtplib
import uuid

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from masterly.accounts.models import ActivationCode, User
from masterly.core import audit
from masterly.reports.activation_letters import (
    LetterRun,
    run_load,
    run_save,
    run_seconds,
    run_silent,
)
from masterly.roster.activation import activation_codes_issue, email_token, guardian_language
from masterly.roster.guardian_selectors import guardian_rows, school_guardians
from masterly.roster.models import Org

logger = logging.getLogger(__name__)

EMAILS_PER_CHUNK = 50
_RUNNING_PREFIX = "masterly:activation-emails-running:"


def activation_emails(
    *, school: Org, guardians: list[User], sent_by: User | None, site_url: str
) -> list[EmailMessage]:
    """A fresh code for each guardian (revoking earlier ones) and their email, each in the
    guardian's language, in the order of ``guardians`` (five queries for any number)."""
    codes = activation_codes_issue(guardians=guardians, created_by=sent_by)
    issued = {
        code.guardian_id: code
        for code in ActivationCode.objects.filter(
            guardian_id__in=codes, used_at__isnull=True, revoked_at__isnull=True
        ).order_by("pk")
    }  # the latest of each guardian: the one just issued
    emails = []
    for row in guardian_rows(guardians):
        guardian = row.guardian
        link = site_url + reverse("activate_email", args=[email_token(issued[guardian.pk])])
        with translation.override(guardian_language(guardian)):
            context = {
                "school": school,
                "guardian": guardian,
                "children": row.children,
                "code": codes[guardian.pk],
                "link": link,
                "activate_url": site_url + reverse("activate"),
            }
            subject = render_to_string("activation/email_subject.txt", context).strip()
            body = render_to_string("activation/email_body.txt", context)
        emails.append(EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [guardian.email]))
    return emails


def send_activation_email(*, school: Org, guardian: User, sent_by: User, site_url: str) -> None:
    """Issue a fresh code (revoking earlier ones) and email its link and code to the guardian."""
    (email,) = activation_emails(
        school=school, guardians=[guardian], sent_by=sent_by, site_url=site_url
    )
    email.send()


def email_counts(school: Org) -> dict[str, int]:
    """The school's guardians who have not activated: how many would get an email (with an
    address) and how many would be skipped (none). One query."""
    counted = school_guardians(school, not_activated_only=True).aggregate(
        total=Count("pk"), without=Count("pk", filter=Q(email=""))
    )
    total, without = int(counted["total"]), int(counted["without"])
    return {"to_send": total - without, "without_email": without}


def emails_start(*, school: Org, owner: User, site_url: str) -> LetterRun | None:
    """Queue the school's activation emails (the caller has had the count confirmed); None
    when a run for the school is already under way (a double click, or two people at once:
    each guardian would get two emails, and the first code would no longer work)."""
    run = LetterRun(
        id=uuid.uuid4().hex,
        owner_id=owner.pk,
        school_id=school.pk,
        school_name=school.name,
        kind="emails",
    )
    if not _school_taken(school.pk, run.id):
        return None
    run_save(run)
    audit.record(
        actor=owner,
        action="activation_emails.send",
        target=school,
        summary=f"Activation emails to the guardians of {school.name} who have not activated",
        details={"run": run.id},
    )
    activation_emails_send.enqueue(run.id, site_url)
    return run


def _school_taken(school_id: int, run_id: str) -> bool:
    """Make ``run_id`` the school's one run under way. A run that holds the school and has
    finished, is forgotten, or has fallen silent (its worker was killed) gives way: the lock
    must not outlive it for weeks. The run that gave way stops before its next chunk."""
    key = _RUNNING_PREFIX + str(school_id)
    if cache.add(key, run_id, run_seconds()):
        return True
    holder_id = cache.get(key)
    holder = run_load(holder_id) if holder_id else None
    if holder is not None and not holder.finished and not run_silent(holder):
        return False
    cache.set(key, run_id, run_seconds())
    return True


def _holds_school(run: LetterRun) -> bool:
    return bool(cache.get(_RUNNING_PREFIX + str(run.school_id)) == run.id)


@task()
def activation_emails_send(run_id: str, site_url: str) -> str:
    run = run_load(run_id)
    if run is None:
        return "gone"
    school = Org.objects.get(pk=run.school_id)
    owner = User.objects.filter(pk=run.owner_id).first()
    ids = list(school_guardians(school, not_activated_only=True).values_list("pk", flat=True))
    position = {pk: n for n, pk in enumerate(ids)}
    run.status, run.total = "running", len(ids)
    run_save(run)
    try:
        with get_connection() as connection:  # one connection to the mail server for the run
            for start in range(0, len(ids), EMAILS_PER_CHUNK):
                if not _holds_school(run):  # a later send took over: it sends the rest
                    run.status = "failed"
                    run.message = _(
                        "Stopped: a later send of this school's emails took over "
                        "(%(sent)s sent by this one)."
                    ) % {"sent": run.sent}
                    return run.status
                chunk = ids[start : start + EMAILS_PER_CHUNK]
                _send_chunk(run, school, chunk, position, owner, site_url, connection)
                run.done = start + len(chunk)
                run_save(run)
    except (smtplib.SMTPException, OSError) as error:  # the mail server could not be reached
        logger.warning("Activation emails of run %s stopped", run.id, exc_info=True)
        run.status = "failed"
        run.message = _(
            "The mail server could not be reached (%(error)s): %(sent)s sent before it failed."
        ) % {"error": error, "sent": run.sent}
    except Exception:
        run.status = "failed"
        run.message = _(
            "Sending stopped on an unexpected error: %(sent)s sent before it stopped. "
            "Send again to reach the others."
        ) % {"sent": run.sent}
        raise
    else:
        run.status = "done"
    finally:
        if _holds_school(run):
            cache.delete(_RUNNING_PREFIX + str(school.pk))
        run_save(run)
    return run.status


def _send_chunk(
    run: LetterRun,
    school: Org,
    chunk: list[int],
    position: dict[int, int],
    owner: User | None,
    site_url: str,
    connection: BaseEmailBackend,
) -> None:
    # Read again: a guardian who activated meanwhile is skipped.
    guardians = list(User.objects.filter(pk__in=chunk, sign_in_chosen_at__isnull=True))
    guardians.sort(key=lambda user: position[user.pk])
    with_email = [guardian for guardian in guardians if guardian.email]
    run.skipped += len(chunk) - len(with_email)
    emails = activation_emails(
        school=school, guardians=with_email, sent_by=owner, site_url=site_url
    )
    # By position (the emails come in the guardians' order), not by address: two guardians
    # may share one (a family's), and each must be named.
    names = [guardian.display_name for guardian in with_email]
    for n, email in enumerate(emails):
        try:
            connection.send_messages([email])
        except smtplib.SMTPRecipientsRefused:  # this address only; the others still go
            logger.warning("Activation email to %s refused", email.to, exc_info=True)
            run.failed += 1
            run.not_reached.append(names[n])
        except (smtplib.SMTPException, OSError):  # the server is gone: none of the rest went
            run.not_reached.extend(names[n:])
            raise
        else:
            run.sent += 1
