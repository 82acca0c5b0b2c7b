"""Which items an export writes."""

from __future__ import annotations

from masterly.accounts.models import User
from masterly.assessments.items.selectors import BankFilters, bank_items
from masterly.integrations.qti.export import export_items, versions_for_export
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
