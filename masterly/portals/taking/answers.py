"""Answers as a student's page sends them (a form, or JSON from the page's script), checked
against the item: hostile input never reaches the database, and a bad one says why."""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from masterly.assessments.items.models import CHOICE_TYPES, InteractionType
from masterly.assessments.responses.entry import Answer, EntryError, read_number
from masterly.assessments.scoring import choices_mask
from masterly.trackers.selectors.taking import Placement

MAX_SHORT_TEXT = 500
MAX_EXTENDED_TEXT = 20_000
MAX_BODY = 64 * 1024


class AnswerError(ValueError):
    """An answer that cannot be kept; the message says what to do."""


@dataclass(frozen=True, slots=True)
class Given:
    """One answer as sent: to which item, the raw values, and when (server clock)."""

    placement_id: int
    choices: tuple[str, ...]
    text: str
    number: str
    answered_at: datetime.datetime | None


def json_body(request: HttpRequest) -> dict[str, Any]:
    if len(request.body) > MAX_BODY:
        raise AnswerError(_("That answer is too long to send."))
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise AnswerError(_("The answer could not be read; reload the page.")) from None
    if not isinstance(data, dict):
        raise AnswerError(_("The answer could not be read; reload the page."))
    return data


def is_json(request: HttpRequest) -> bool:
    return request.content_type == "application/json"


def given_from_json(data: Mapping[str, Any]) -> Given:
    choices = data.get("choices", [])
    if not isinstance(choices, list) or len(choices) > 26:
        raise AnswerError(_("The answer could not be read; reload the page."))
    return Given(
        placement_id=_int(data.get("item")),
        choices=tuple(str(c) for c in choices),
        text=_str(data.get("text", "")),
        number=_str(data.get("number", "")),
        answered_at=_moment(data.get("at")),
    )


def given_from_form(data: Mapping[str, Any], placement_id: int) -> Given:
    prefix = f"item-{placement_id}-"
    getlist = getattr(data, "getlist", None)
    choices: Sequence[str] = (
        getlist(prefix + "choice") if getlist else data.get(prefix + "choice", [])
    )
    return Given(
        placement_id=placement_id,
        choices=tuple(choices),
        text=_str(data.get(prefix + "text", "")),
        number=_str(data.get(prefix + "number", "")),
        answered_at=None,
    )


def answer_for(placement: Placement, given: Given) -> Answer | None:
    """The answer to keep (None: the student cleared it). Raises :class:`AnswerError`."""
    kind = placement.interaction
    if kind in CHOICE_TYPES:
        positions = set()
        for raw in given.choices:
            try:
                position = int(raw)
            except ValueError:
                raise AnswerError(_("That is not one of the options; reload the page.")) from None
            if not 0 <= position < placement.choice_count:
                raise AnswerError(_("That is not one of the options; reload the page."))
            positions.add(position)
        if len(positions) > 1 and kind != InteractionType.MULTIPLE_SELECT:
            raise AnswerError(_("Choose one option."))
        return Answer(choices=choices_mask(sorted(positions))) if positions else None
    if kind == InteractionType.NUMERIC:
        if not given.number.strip():
            return None
        try:
            return Answer(number=read_number(given.number))
        except EntryError:
            raise AnswerError(
                _("“%(typed)s” is not a number; type digits, e.g. 12.5.") % {"typed": given.number}
            ) from None
    limit = MAX_EXTENDED_TEXT if kind == InteractionType.EXTENDED else MAX_SHORT_TEXT
    text = given.text.strip()
    if len(text) > limit:
        raise AnswerError(
            _("The answer is longer than %(limit)d characters; shorten it.") % {"limit": limit}
        )
    return Answer(text=text) if text else None


def fingerprint(choices: Sequence[int] | Sequence[str], text: str, number: str) -> str:
    """What a form's item held when the page was drawn, to save only what the student
    changed (an untouched item never overwrites another device's later answer)."""
    return json.dumps([sorted(int(c) for c in choices), text.strip(), number.strip()])


def _int(value: object) -> int:
    try:
        return int(str(value))
    except ValueError:
        raise AnswerError(_("The answer could not be read; reload the page.")) from None


def _str(value: object) -> str:
    if not isinstance(value, str | int | float):
        raise AnswerError(_("The answer could not be read; reload the page."))
    return str(value)


def _moment(value: object) -> datetime.datetime | None:
    """A time the page sends, in milliseconds since 1970 on the server's clock."""
    if value is None:
        return None
    if not isinstance(value, int | float) or value != value or abs(value) > 1e14:
        raise AnswerError(_("The answer could not be read; reload the page."))
    return datetime.datetime.fromtimestamp(value / 1000, tz=datetime.UTC)
