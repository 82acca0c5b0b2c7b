"""What an item version holds, as a value: a re-import writes a new version only when the
package's item differs from the current version (so importing the same package twice, or a
Masterly export, writes nothing)."""

from __future__ import annotations

from decimal import Decimal

from masterly.assessments.items.drafts import CheckedDraft
from masterly.assessments.items.models import ItemVersion


def _number(value: Decimal | None) -> str:
    return "" if value is None else format(value.normalize(), "f")


def version_signature(version: ItemVersion) -> tuple[object, ...]:
    """Needs choices, alignments and criteria with levels prefetched."""
    return (
        version.interaction,
        version.stem_html,
        version.dok,
        version.stimulus_id,
        _number(version.numeric_answer),
        _number(version.numeric_tolerance),
        tuple(version.accepted_answers),
        version.teacher_scored,
        version.may_shuffle_options,
        tuple(
            (c.content_html, c.is_correct, c.rationale, c.dropped_when_reduced, c.fixed)
            for c in version.choices.all()
        ),
        tuple(sorted((a.standard_id, _number(a.points)) for a in version.alignments.all())),
        tuple(
            (c.title, c.standard_id, tuple((lv.label, _number(lv.points)) for lv in c.levels.all()))
            for c in version.criteria.all()
        ),
    )


def draft_signature(checked: CheckedDraft) -> tuple[object, ...]:
    draft = checked.draft
    return (
        draft.interaction,
        checked.stem_html,
        draft.dok,
        draft.stimulus.pk if draft.stimulus else None,
        _number(draft.numeric_answer),
        _number(draft.numeric_tolerance),
        tuple(a.strip() for a in draft.accepted_answers if a.strip()),
        draft.teacher_scored,
        draft.may_shuffle_options,
        tuple(
            (
                c.html,
                c.draft.is_correct,
                c.draft.rationale.strip(),
                c.draft.dropped_when_reduced,
                c.draft.fixed,
            )
            for c in checked.choices
        ),
        tuple(sorted((s.pk, _number(p)) for s, p in checked.alignments.items())),
        tuple(
            (c.title.strip(), c.standard.pk, tuple((lb.strip(), _number(p)) for lb, p in c.levels))
            for c in draft.criteria
        ),
    )
