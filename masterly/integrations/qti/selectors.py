"""Which items (or which assessment) an export writes."""

from __future__ import annotations

from django.http import QueryDict
from django.shortcuts import get_object_or_404

from masterly.accounts.models import User
from masterly.assessments.items.models import InteractionType, Scope
from masterly.assessments.items.selectors import BankFilters, bank_items, standard_by_code
from masterly.assessments.models import Assessment
from masterly.integrations.qti.export import export_items, versions_for_export
from masterly.roster import access
from masterly.standards.models import Standard

MAX_EXPORT_ITEMS = 5_000


def owner_export(owner: User, standard: Standard | None) -> tuple[bytes, int]:
    """The package of ``owner``'s items (under ``standard``), and how many; no package past
    ``MAX_EXPORT_ITEMS``."""
    return bank_export(owner, BankFilters(scope="own", standard=standard))


def bank_export(user: User, filters: BankFilters) -> tuple[bytes, int]:
    """The bank search's items (what ``user`` may see) as a package, and how many."""
    found = list(
        bank_items(user, filters).values_list("current_id", flat=True)[: MAX_EXPORT_ITEMS + 1]
    )
    if not found or len(found) > MAX_EXPORT_ITEMS:
        return b"", len(found)
    versions = versions_for_export(pk for pk in reversed(found) if pk)
    return export_items(versions, title="Masterly items"), len(found)


def bank_filters(query: QueryDict) -> BankFilters:
    """The bank search's filters from its address (unknown or bad values are ignored: the
    bank page says what is wrong with them; the download takes what it can read)."""
    code = query.get("standard", "").strip()
    dok = query.get("dok", "")
    author = query.get("author", "")
    return BankFilters(
        scope=query.get("scope", "") if query.get("scope") in Scope.values else "",
        standard=standard_by_code(code) if code else None,
        text=query.get("q", "")[:200],
        interaction=query.get("type", "") if query.get("type") in InteractionType.values else "",
        dok=int(dok) if dok in {"1", "2", "3", "4"} else None,
        author=User.objects.filter(pk=author).first() if author.isdigit() else None,
    )


def exportable_assessment(user: User, assessment_id: int) -> Assessment:
    """An assessment its author (or a district admin) may download; 404 for anyone else."""
    assessments = Assessment.objects.all()
    if not (user.is_superuser or access.is_district_admin(user)):
        assessments = assessments.filter(created_by=user)
    return get_object_or_404(assessments, pk=assessment_id)
