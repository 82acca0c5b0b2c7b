"""The header's language switch: English or Español for everyone, without JavaScript.

Django's ``set_language`` sets the language cookie and sends the person back where they were
(a safe ``next`` only); a signed-in person's choice is also saved on them, so it follows them to
every device and sign-in (``masterly.accounts.languages``).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from masterly.accounts.languages import known_language, preferred_language_set
from masterly.accounts.models import User


@require_POST
def language_switch(request: HttpRequest) -> HttpResponse:
    typed = request.POST.get("language", "")
    language = known_language(typed)
    if language is None or language != typed:
        return HttpResponseBadRequest(
            _("Masterly is not available in that language: choose English or Español."),
            content_type="text/plain; charset=utf-8",
        )
    if isinstance(request.user, User) and request.user.is_authenticated:
        preferred_language_set(user=request.user, language=language)
    response: HttpResponse = set_language(request)
    return response
