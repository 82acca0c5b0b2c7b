"""The item editor's form, read from and written to plain rows (no JavaScript needed).

The editor posts its rows (standards, choices, rubric criteria) as numbered fields; the
"Add …" and "Remove" buttons are submit buttons that change the rows and show the form again.
:func:`state_from_post` reads a post, :func:`state_from_version` an existing version, and
:func:`draft_from_state` turns a state into an :class:`ItemDraft`, naming the row of any
standard code it cannot find.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from masterly.assessments.items.drafts import (
    ChoiceDraft,
    CriterionDraft,
    ItemDraft,
    letter,
    number_text,
    parse_decimal,
)
from masterly.assessments.items.models import CHOICE_TYPES, InteractionType, ItemVersion, Stimulus
from masterly.assessments.items.selectors import standard_by_code

MAX_ROWS = 12


@dataclass
class ChoiceRow:
    content: str = ""
    correct: bool = False
    rationale: str = ""
    dropped: bool = False
    fixed: bool = False  # keeps its place when the options are shuffled


@dataclass
class EditorState:
    interaction: str = InteractionType.MULTIPLE_CHOICE
    stem: str = ""
    dok: str = "1"
    stimulus: str = ""
    scope: str = "own"
    standards: list[tuple[str, str]] = field(default_factory=lambda: [("", "1")])
    choices: list[ChoiceRow] = field(default_factory=lambda: [ChoiceRow() for _ in range(4)])
    numeric_answer: str = ""
    numeric_tolerance: str = "0"
    accepted_answers: str = ""
    teacher_scored: bool = False
    criteria: list[tuple[str, str, str]] = field(default_factory=lambda: [("", "", "")])
    may_shuffle_options: bool = True

    @property
    def has_choices(self) -> bool:
        return self.interaction in CHOICE_TYPES

    @property
    def lettered_choices(self) -> list[tuple[int, str, ChoiceRow]]:
        return [(i, letter(i), row) for i, row in enumerate(self.choices)]


def _rows(post: Mapping[str, Any], prefix: str) -> int:
    count = post.get(f"{prefix}_count", "0")
    return min(int(count), MAX_ROWS) if count.isdigit() else 0


def state_from_post(post: Mapping[str, Any]) -> EditorState:
    state = EditorState(
        interaction=post.get("interaction", InteractionType.MULTIPLE_CHOICE),
        stem=post.get("stem", ""),
        dok=post.get("dok", "1"),
        stimulus=post.get("stimulus", ""),
        scope=post.get("scope", "own"),
        numeric_answer=post.get("numeric_answer", ""),
        numeric_tolerance=post.get("numeric_tolerance", "0"),
        accepted_answers=post.get("accepted_answers", ""),
        teacher_scored=post.get("teacher_scored") == "on",
        # The form always says it shows the box (as a hidden field for other types); a post
        # without it (a form from before the box) keeps the default.
        may_shuffle_options=post.get("may_shuffle_options") == "on"
        if "shuffle_shown" in post
        else True,
    )
    state.standards = [
        (post.get(f"standard_{i}_code", ""), post.get(f"standard_{i}_points", ""))
        for i in range(_rows(post, "standard"))
    ]
    state.choices = [
        ChoiceRow(
            content=post.get(f"choice_{i}_content", ""),
            correct=post.get(f"choice_{i}_correct") == "on",
            rationale=post.get(f"choice_{i}_rationale", ""),
            dropped=post.get(f"choice_{i}_dropped") == "on",
            fixed=post.get(f"choice_{i}_fixed") == "on",
        )
        for i in range(_rows(post, "choice"))
    ]
    state.criteria = [
        (
            post.get(f"criterion_{i}_title", ""),
            post.get(f"criterion_{i}_code", ""),
            post.get(f"criterion_{i}_levels", ""),
        )
        for i in range(_rows(post, "criterion"))
    ]
    return state


def apply_row_buttons(state: EditorState, post: Mapping[str, Any]) -> bool:
    """Add or remove a row when one of those buttons was pressed; returns whether one was."""
    adders = {"add_standard": ("standards", ("", "1")), "add_criterion": ("criteria", ("", "", ""))}
    for button, (rows, blank) in adders.items():
        if button in post and len(getattr(state, rows)) < MAX_ROWS:
            getattr(state, rows).append(blank)
            return True
    if "add_choice" in post and len(state.choices) < MAX_ROWS:
        state.choices.append(ChoiceRow())
        return True
    for button, rows in (
        ("remove_standard", "standards"),
        ("remove_choice", "choices"),
        ("remove_criterion", "criteria"),
    ):
        index = post.get(button, "")
        if index.isdigit() and int(index) < len(getattr(state, rows)):
            del getattr(state, rows)[int(index)]
            return True
    if "change_type" in post:
        if state.interaction == InteractionType.TRUE_FALSE:
            state.choices = [ChoiceRow(_("True")), ChoiceRow(_("False"))]
        return True
    return False


def state_from_version(version: ItemVersion) -> EditorState:
    """The editor filled in from a version (its parts prefetched, as version_detail does)."""
    return EditorState(
        interaction=version.interaction,
        stem=version.stem_source,
        dok=str(version.dok),
        stimulus=str(version.stimulus_id or ""),
        standards=[(a.standard.label, str(a.points)) for a in version.alignments.all()]
        if version.interaction != InteractionType.EXTENDED
        else [],
        choices=[
            ChoiceRow(c.content_source, c.is_correct, c.rationale, c.dropped_when_reduced, c.fixed)
            for c in version.choices.all()
        ],
        may_shuffle_options=version.may_shuffle_options,
        numeric_answer=number_text(version.numeric_answer),
        numeric_tolerance=number_text(version.numeric_tolerance),
        accepted_answers="\n".join(version.accepted_answers),
        teacher_scored=version.teacher_scored,
        criteria=[
            (
                c.title,
                c.standard.label,
                "\n".join(
                    f"{number_text(level.points)} | {level.label}" for level in c.levels.all()
                ),
            )
            for c in version.criteria.all()
        ],
    )


def draft_from_state(
    state: EditorState, stimuli: dict[int, Stimulus]
) -> tuple[ItemDraft | None, dict[str, list[str]]]:
    """The draft the state describes, or the problems in its rows (by field)."""
    problems: dict[str, list[str]] = {}

    def problem(name: str, message: str) -> None:
        problems.setdefault(name, []).append(message)

    kind = state.interaction
    standards = []
    if kind != InteractionType.EXTENDED:
        for row, (code, points) in enumerate(state.standards, start=1):
            if not code.strip():
                continue
            standard = standard_by_code(code)
            amount = parse_decimal(points)
            if standard is None:
                problem(
                    "standards",
                    _("Standard row %(n)d: no single standard has the code %(code)r.")
                    % {"n": row, "code": code.strip()},
                )
            elif amount is None:
                problem("standards", _("Standard row %(n)d: points must be a number.") % {"n": row})
            else:
                standards.append((standard, amount))
    criteria = []
    if kind == InteractionType.EXTENDED:
        for row, (title, code, levels_text) in enumerate(state.criteria, start=1):
            if not (title.strip() or code.strip() or levels_text.strip()):
                continue
            standard = standard_by_code(code)
            if standard is None:
                problem(
                    "criteria",
                    _("Criterion %(n)d: no single standard has the code %(code)r.")
                    % {"n": row, "code": code.strip()},
                )
                continue
            levels = _levels(levels_text, row, problem)
            if levels is not None:
                criteria.append(CriterionDraft(title, standard, levels))
    dok = int(state.dok) if state.dok.isdigit() else 0
    numeric_answer = numeric_tolerance = None
    if kind == InteractionType.NUMERIC:
        numeric_answer = (
            parse_decimal(state.numeric_answer) if state.numeric_answer.strip() else None
        )
        if state.numeric_answer.strip() and numeric_answer is None:
            problem("numeric_answer", _("The correct answer must be a number such as 12 or 2.5."))
        numeric_tolerance = parse_decimal(state.numeric_tolerance or "0")
        if numeric_tolerance is None:
            problem("numeric_tolerance", _("The tolerance must be a number such as 0 or 0.05."))
    stimulus = stimuli.get(int(state.stimulus)) if state.stimulus.isdigit() else None
    if state.stimulus.strip() and stimulus is None:
        problem("stimulus", _("Choose a passage from the list."))
    if problems:
        return None, problems
    short = kind == InteractionType.SHORT_TEXT
    return (
        ItemDraft(
            interaction=kind,
            stem=state.stem,
            dok=dok,
            standards=tuple(standards),
            choices=tuple(
                ChoiceDraft(c.content, c.correct, c.rationale, c.dropped, c.fixed)
                for c in state.choices
            )
            if state.has_choices
            else (),
            may_shuffle_options=state.may_shuffle_options or not state.has_choices,
            numeric_answer=numeric_answer,
            numeric_tolerance=numeric_tolerance or Decimal(0),
            accepted_answers=tuple(state.accepted_answers.splitlines()) if short else (),
            teacher_scored=state.teacher_scored and short,
            criteria=tuple(criteria),
            stimulus=stimulus,
        ),
        {},
    )


def _levels(
    text: str, row: int, problem: Callable[[str, str], None]
) -> tuple[tuple[str, Decimal], ...] | None:
    """Levels typed one a line as "points | label" ("2 | Complete and correct")."""
    levels = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        points_text, _bar, label = line.partition("|")
        points = parse_decimal(points_text)
        if points is None or not label.strip():
            problem(
                "criteria",
                _(
                    "Criterion %(n)d, level line %(line)d: write it as “points | label”, "
                    "for example “2 | Complete”."
                )
                % {"n": row, "line": number},
            )
            return None
        levels.append((label.strip(), points))
    return tuple(levels)
