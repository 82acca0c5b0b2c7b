"""A read package turned into item drafts: standards matched, points per standard, rubrics,
and each draft checked by the item bank's own rules (``checked_draft``) before any write.

Points per standard: the points Masterly's own metadata gives (its exports write them), else
the item's maximum score split evenly between its standards (to the cent, the last standard
taking what is left). An extended response whose rubric is not Masterly's table gets one
criterion per standard, "no credit" to "full credit" for that standard's share.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from django.core.exceptions import ValidationError
from django.db.models import F, Q
from django.utils.translation import gettext

from masterly.assessments.items.drafts import (
    CheckedDraft,
    ChoiceDraft,
    CriterionDraft,
    ItemDraft,
    checked_draft,
    checked_stimulus,
)
from masterly.assessments.items.models import InteractionType
from masterly.integrations.qti.errors import QtiImportRejected, QtiProblem
from masterly.integrations.qti.items import CENT, ParsedItem
from masterly.integrations.qti.manifest import Resource
from masterly.integrations.qti.reader import ParsedPackage
from masterly.standards.models import Standard

DEFAULT_DOK = 1


@dataclass
class PlannedItem:
    parsed: ParsedItem
    draft: ItemDraft  # images still at their placeholders; no stimulus yet
    checked: CheckedDraft


def plan_items(parsed: ParsedPackage) -> list[PlannedItem]:
    """A checked draft per supported item; QtiImportRejected listing every problem."""
    items = [item for item in parsed.items.values() if not item.unsupported]
    resources = parsed.resources
    standards = _standards(items, resources)
    problems: list[QtiProblem] = []
    planned = []
    for item in items:
        draft = _draft(item, resources.get(item.file), standards, problems)
        if draft is None:
            continue
        try:
            planned.append(PlannedItem(item, draft, checked_draft(draft)))
        except ValidationError as refused:
            for messages in refused.message_dict.values():
                problems += [QtiProblem(item.file, _where(item), m) for m in messages]
    _check_stimuli(parsed, {item.stimulus for item in items if item.stimulus}, problems)
    if problems:
        raise QtiImportRejected(problems)
    return planned


def _check_stimuli(parsed: ParsedPackage, used: set[str], problems: list[QtiProblem]) -> None:
    """The passages the items show, checked as the bank checks one (``stimulus_create``), so
    a passage it would refuse is named here, before anything is written."""
    for path in sorted(used):
        stimulus = parsed.stimuli[path]
        try:
            checked_stimulus(stimulus.title[:300], stimulus.html)
        except ValidationError as refused:
            where = gettext("stimulus %(id)s") % {"id": stimulus.identifier}
            for messages in refused.message_dict.values():
                problems += [QtiProblem(stimulus.file, where, m) for m in messages]


def _where(item: ParsedItem) -> str:
    return gettext("item %(id)s") % {"id": item.identifier}


def _references(item: ParsedItem, resource: Resource | None) -> list[str]:
    found = list(resource.standards if resource else []) + item.standards
    return list(dict.fromkeys(found))


def _standards(items: list[ParsedItem], resources: dict[str, Resource]) -> dict[str, Standard]:
    """Every reference of the package matched to a standard: a CASE identifier, a CASE URI,
    or a URI ending in the identifier (one query for them all; current standards first)."""
    references = {ref for item in items for ref in _references(item, resources.get(item.file))}
    references |= {c.standard for item in items for c in item.criteria}
    identifiers = {ref.rstrip("/").rsplit("/", 1)[-1] for ref in references}
    rows = Standard.objects.filter(Q(identifier__in=identifiers) | Q(uri__in=references))
    found: dict[str, Standard] = {}
    # Current standards (no retired_at) come last, so they win a reference both match.
    for row in rows.order_by(F("retired_at").asc(nulls_last=True), "pk"):
        for ref in references:
            if ref == row.uri or ref.rstrip("/").rsplit("/", 1)[-1] == row.identifier:
                found[ref] = row
    return found


def _draft(
    item: ParsedItem,
    resource: Resource | None,
    standards: dict[str, Standard],
    problems: list[QtiProblem],
) -> ItemDraft | None:
    references = _references(item, resource)
    unknown = [
        ref for ref in references + [c.standard for c in item.criteria] if ref not in standards
    ]
    for ref in dict.fromkeys(unknown):
        problems.append(
            QtiProblem(
                item.file,
                _where(item),
                gettext(
                    "the standard %(ref)s is in no imported framework. Import its framework "
                    "(a CASE package) first, or remove the reference."
                )
                % {"ref": ref},
            )
        )
    if unknown:
        return None
    aligned = list(dict.fromkeys(standards[ref] for ref in references))
    points = _points(item, resource, references, standards, aligned)
    kind = item.interaction
    return ItemDraft(
        interaction=kind,
        stem=item.stem_html,
        dok=resource.dok if resource and resource.dok else DEFAULT_DOK,
        standards=() if kind == InteractionType.EXTENDED else tuple(points.items()),
        choices=tuple(
            ChoiceDraft(
                content=choice.html,
                is_correct=choice.identifier in item.correct,
                rationale=choice.rationale,
                dropped_when_reduced=choice.dropped and choice.identifier not in item.correct,
                fixed=choice.fixed,
            )
            for choice in item.choices
        ),
        may_shuffle_options=item.may_shuffle,
        numeric_answer=item.numeric_answer,
        numeric_tolerance=item.tolerance,
        accepted_answers=tuple(item.accepted),
        teacher_scored=kind == InteractionType.SHORT_TEXT and not item.accepted,
        criteria=_criteria(item, standards, points) if kind == InteractionType.EXTENDED else (),
    )


def _points(
    item: ParsedItem,
    resource: Resource | None,
    references: list[str],
    standards: dict[str, Standard],
    aligned: list[Standard],
) -> dict[Standard, Decimal]:
    given = resource.points if resource else {}
    written = {standards[ref]: given[ref] for ref in references if ref in given}
    if written and set(written) == set(aligned):
        return written
    if not aligned:
        return {}
    share = (item.max_score / len(aligned)).quantize(CENT, rounding=ROUND_DOWN) or CENT
    points = dict.fromkeys(aligned, share)
    points[aligned[-1]] = max(item.max_score - share * (len(aligned) - 1), CENT)
    return points


def _criteria(
    item: ParsedItem, standards: dict[str, Standard], points: dict[Standard, Decimal]
) -> tuple[CriterionDraft, ...]:
    if item.criteria:
        return tuple(
            CriterionDraft(c.title, standards[c.standard], tuple(c.levels)) for c in item.criteria
        )
    title = item.rubric_text or gettext("Response")
    return tuple(
        CriterionDraft(
            title if len(points) == 1 else f"{title[:280]} ({standard.label})",
            standard,
            ((gettext("No credit"), Decimal(0)), (gettext("Full credit"), share)),
        )
        for standard, share in points.items()
    )
