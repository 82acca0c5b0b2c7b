"""What a teacher submits for an item version, checked before anything is written.

A :class:`ItemDraft` is plain data (a web form, the demo and later the QTI import all build
one); :func:`checked_draft` validates it for its interaction type and renders its rich text,
raising one :class:`~django.core.exceptions.ValidationError` whose messages are keyed by the
field they are about and name the choice, answer or rubric row ("Choice B: …").
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from masterly.assessments.items.content import ContentRejected, plain_text, rich_text
from masterly.assessments.items.models import InteractionType, Stimulus
from masterly.assessments.scores import clean_points
from masterly.standards.models import Standard

MAX_CHOICES = 10
MAX_CRITERIA = 12
MAX_LEVELS = 8
IMAGE_SRC = re.compile(r"""src=["']/assessments/images/(\d+)/["']""")
# An image the sanitiser kept without an ``alt`` (it writes ``alt=""`` for a bare ``alt``).
IMAGE_WITHOUT_ALT = re.compile(r"<img\b(?![^>]*\salt=)[^>]*>")


@dataclass(frozen=True)
class ChoiceDraft:
    content: str
    is_correct: bool = False
    rationale: str = ""
    dropped_when_reduced: bool = False
    fixed: bool = False  # keeps its place when the other choices are shuffled


@dataclass(frozen=True)
class CriterionDraft:
    title: str
    standard: Standard
    levels: tuple[tuple[str, Decimal], ...]  # (label, points), lowest first


@dataclass(frozen=True)
class ItemDraft:
    interaction: str
    stem: str
    dok: int
    standards: tuple[tuple[Standard, Decimal], ...] = ()
    choices: tuple[ChoiceDraft, ...] = ()
    numeric_answer: Decimal | None = None
    numeric_tolerance: Decimal = Decimal(0)
    accepted_answers: tuple[str, ...] = ()
    teacher_scored: bool = False
    criteria: tuple[CriterionDraft, ...] = ()
    stimulus: Stimulus | None = None
    may_shuffle_options: bool = True


@dataclass(frozen=True)
class RenderedChoice:
    source: str
    html: str
    text: str
    draft: ChoiceDraft


@dataclass
class CheckedDraft:
    """A valid draft with its rich text rendered and what it aligns to, points per standard."""

    draft: ItemDraft
    stem_html: str
    choices: list[RenderedChoice]
    alignments: dict[Standard, Decimal]
    search_text: str
    image_ids: set[int] = field(default_factory=set)


def letter(position: int) -> str:
    return chr(ord("A") + position) if position < 26 else str(position + 1)


class _Problems:
    def __init__(self) -> None:
        self.by_field: dict[str, list[str]] = defaultdict(list)

    def add(self, name: str, message: str) -> None:
        self.by_field[name].append(message)

    def raise_any(self) -> None:
        if self.by_field:
            raise ValidationError(dict(self.by_field))


def _render(problems: _Problems, name: str, source: str, what: str) -> str:
    try:
        html = rich_text(source)
    except ContentRejected as rejected:
        problems.add(name, f"{what}: {rejected.message}")
        return ""
    missing = missing_alt_text(html, what)
    if missing:
        problems.add(name, missing)
    return html


def missing_alt_text(html: str, what: str) -> str:
    """Why sanitised ``html`` (``what``: "The stem") is refused for an image without alt
    text, or "" when every image has one (``alt=""``, decorative, counts)."""
    if not IMAGE_WITHOUT_ALT.search(html):
        return ""
    return _(
        "%(what)s shows an image without alt text: describe it for students who cannot "
        'see it (alt="…"), or mark it decorative (alt="") if it adds nothing they need.'
    ) % {"what": what}


def checked_stimulus(title: str, content: str) -> str:
    """A passage's sanitised HTML, or one ValidationError keyed by ``title`` and ``content``
    saying what is wrong (the editor's and a QTI import's one check)."""
    problems: dict[str, str] = {}
    if not title.strip():
        problems["title"] = _("Give the passage a title.")
    try:
        content_html = rich_text(content)
    except ContentRejected as rejected:
        problems["content"] = rejected.message
        content_html = ""
    missing = missing_alt_text(content_html, _("The passage"))
    if missing:
        problems["content"] = missing
    if not content.strip():
        problems["content"] = _("Write the passage.")
    if problems:
        raise ValidationError(problems)
    return content_html


def checked_draft(draft: ItemDraft) -> CheckedDraft:
    problems = _Problems()
    if draft.interaction not in InteractionType.values:
        raise ValidationError(
            {"interaction": _("Unknown item type %(type)r.") % {"type": draft.interaction}}
        )
    kind = InteractionType(draft.interaction)
    if not draft.stem.strip():
        problems.add("stem", _("Write the question (the stem)."))
    stem_html = _render(problems, "stem", draft.stem, _("The stem"))
    if draft.dok not in (1, 2, 3, 4):
        problems.add(
            "dok", _("Depth of knowledge is 1, 2, 3 or 4 (got %(dok)s).") % {"dok": draft.dok}
        )
    choices = _checked_choices(problems, kind, draft.choices)
    _check_answers(problems, kind, draft)
    alignments = _alignments(problems, kind, draft)
    problems.raise_any()
    words = [plain_text(stem_html)] + [choice.text for choice in choices]
    words += list(draft.accepted_answers)
    sources = [draft.stem] + [choice.content for choice in draft.choices]
    return CheckedDraft(
        draft=draft,
        stem_html=stem_html,
        choices=choices,
        alignments=alignments,
        search_text=" ".join(" ".join(words).lower().split()),
        image_ids={int(found) for source in sources for found in IMAGE_SRC.findall(source)},
    )


def _checked_choices(
    problems: _Problems, kind: InteractionType, drafts: tuple[ChoiceDraft, ...]
) -> list[RenderedChoice]:
    from masterly.assessments.items.models import CHOICE_TYPES

    if kind not in CHOICE_TYPES:
        if drafts:
            problems.add("choices", _("Only choice items have choices; remove them."))
        return []
    rendered = []
    for position, choice in enumerate(drafts):
        name = _("Choice %(letter)s") % {"letter": letter(position)}
        if not choice.content.strip():
            problems.add("choices", _("%(name)s is empty: write it or remove it.") % {"name": name})
        if choice.is_correct and choice.dropped_when_reduced:
            problems.add(
                "choices",
                _(
                    "%(name)s is a correct answer, so it cannot be dropped for reduced answer "
                    "choices."
                )
                % {"name": name},
            )
        html = _render(problems, "choices", choice.content, name)
        rendered.append(RenderedChoice(choice.content, html, plain_text(html), choice))
    correct = sum(choice.is_correct for choice in drafts)
    if kind == InteractionType.TRUE_FALSE and len(drafts) != 2:
        problems.add("choices", _("A true/false item has exactly two choices."))
    elif len(drafts) < 2:
        problems.add("choices", _("Give at least two choices."))
    if len(drafts) > MAX_CHOICES:
        problems.add("choices", _("At most %(n)d choices.") % {"n": MAX_CHOICES})
    if kind == InteractionType.MULTIPLE_SELECT:
        if correct < 1:
            problems.add("choices", _("Mark at least one choice correct."))
    elif correct != 1:
        problems.add("choices", _("Mark exactly one choice correct (%(n)d are).") % {"n": correct})
    kept = sum(not choice.dropped_when_reduced for choice in drafts)
    if len(drafts) >= 2 and kept < 2:
        problems.add(
            "choices", _("Reduced answer choices must keep at least two choices for the student.")
        )
    return rendered


def _check_answers(problems: _Problems, kind: InteractionType, draft: ItemDraft) -> None:
    if kind == InteractionType.NUMERIC:
        if draft.numeric_answer is None:
            problems.add("numeric_answer", _("Give the correct number."))
        if draft.numeric_tolerance < 0:
            problems.add("numeric_tolerance", _("The tolerance cannot be negative."))
    if kind == InteractionType.SHORT_TEXT:
        answers = [answer.strip() for answer in draft.accepted_answers]
        if not draft.teacher_scored and not any(answers):
            problems.add(
                "accepted_answers",
                _("List the answers accepted (one a line), or choose 'teacher scored'."),
            )
        if draft.teacher_scored and any(answers):
            problems.add("accepted_answers", _("A teacher-scored item lists no accepted answers."))


def _alignments(
    problems: _Problems, kind: InteractionType, draft: ItemDraft
) -> dict[Standard, Decimal]:
    if kind == InteractionType.EXTENDED:
        return _rubric_alignments(problems, draft)
    if draft.criteria:
        problems.add("criteria", _("Only an extended response has a rubric."))
    alignments: dict[Standard, Decimal] = {}
    for standard, points in draft.standards:
        if standard in alignments:
            problems.add("standards", _("%(code)s is listed twice.") % {"code": standard.label})
        checked = _points(points)
        if checked is None or checked <= 0:
            problems.add(
                "standards",
                _("Points toward %(code)s must be a number more than 0, at most two decimals.")
                % {"code": standard.label},
            )
            checked = Decimal(0)
        alignments[standard] = checked
    if not draft.standards:
        problems.add("standards", _("Align the item to at least one standard."))
    return alignments


def _rubric_alignments(problems: _Problems, draft: ItemDraft) -> dict[Standard, Decimal]:
    """An extended response's points per standard: each criterion's top level's points."""
    if not draft.criteria:
        problems.add("criteria", _("Give the rubric at least one criterion."))
    if len(draft.criteria) > MAX_CRITERIA:
        problems.add("criteria", _("At most %(n)d criteria.") % {"n": MAX_CRITERIA})
    alignments: dict[Standard, Decimal] = defaultdict(Decimal)
    for row, criterion in enumerate(draft.criteria, start=1):
        name = _("Criterion %(n)d") % {"n": row}
        if not criterion.title.strip():
            problems.add("criteria", _("%(name)s needs a title.") % {"name": name})
        if len(criterion.levels) < 2 or len(criterion.levels) > MAX_LEVELS:
            problems.add(
                "criteria",
                _("%(name)s needs between 2 and %(n)d levels.") % {"name": name, "n": MAX_LEVELS},
            )
            continue
        points = [level_points for _label, level_points in criterion.levels]
        if (
            any(p < 0 for p in points)
            or points != sorted(points)
            or len(set(points)) != len(points)
        ):
            problems.add(
                "criteria",
                _(
                    "%(name)s: levels' points must rise from the lowest level, each different, "
                    "none negative."
                )
                % {"name": name},
            )
            continue
        if points[-1] <= 0:
            problems.add(
                "criteria", _("%(name)s: its top level must give points.") % {"name": name}
            )
            continue
        alignments[criterion.standard] += points[-1]
    if draft.standards:
        problems.add("standards", _("An extended response is aligned through its rubric's rows."))
    return dict(alignments)


def _points(value: object) -> Decimal | None:
    """Points as the scores module reads them (two decimals at most), or None."""
    try:
        return clean_points(value, "points_possible")
    except ValidationError:
        return None


def number_text(value: Decimal | None) -> str:
    """A stored number as a teacher typed it: "3.14", not "3.140000"."""
    if value is None:
        return ""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def parse_decimal(text: str) -> Decimal | None:
    """A number as typed ("2.5", "-3", "1,000"), or None when it is not one."""
    try:
        value = Decimal(text.strip().replace(",", ""))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None
