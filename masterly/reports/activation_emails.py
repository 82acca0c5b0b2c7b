"""The activation email: for a guardian whose roster record has an email address."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from masterly.accounts.models import ActivationCode, User
from masterly.roster.activation import activation_codes_issue, email_token, guardian_language
from masterly.roster.guardian_selectors import guardian_rows
from masterly.roster.models import Org


def send_activation_email(*, school: Org, guardian: User, sent_by: User, site_url: str) -> None:
    """Issue a fresh code (revoking earlier ones) and email its link and code to the guardian."""
    codes = activation_codes_issue(guardians=[guardian], created_by=sent_by)
    code = ActivationCode.objects.filter(guardian=guardian).latest("pk")
    link = site_url + reverse("activate_email", args=[email_token(code)])
    (row,) = guardian_rows([guardian])
    language = guardian_language(guardian)
    with translation.override(language):
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
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [guardian.email])
