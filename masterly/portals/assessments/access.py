"""Who reaches the assessment pages: staff only (students and parents get 404, the pages'
existence is not revealed); an assessment through ``readable_assessment_or_404`` (read-only
for the teachers of a tracker it is given in)."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from masterly.accounts.models import User
from masterly.assessments.items.selectors import may_use_bank
from masterly.assessments.models import Assessment
from masterly.trackers.selectors.assignments import readable_assessment_or_404


def staff_user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not may_use_bank(user):
        raise Http404("No such page.")
    return user


def assessment_for(user: User, pk: int) -> Assessment:
    return readable_assessment_or_404(user, pk)
