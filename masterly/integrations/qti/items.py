"""One QTI item file (QTI 3, or 2.1/2.2) read into plain data: what Masterly will store.

Supported: a choice interaction (single cardinality → multiple choice, or true/false when its
two choices read True and False; multiple → multiple select), a text entry (a float or integer
response → numeric entry, its tolerance from ``equal``; a string → short text whose accepted
answers are the correct values and the positively mapped keys), and an extended text (an
extended response scored with a rubric). Anything else is listed as unsupported. A choice
interaction's ``shuffle`` and its choices' ``fixed`` are kept (absent, the assessment decides).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal, InvalidOperation

from django.utils.translation import gettext
from lxml import etree

from masterly.assessments.items.content import plain_text
from masterly.assessments.items.models import InteractionType
from masterly.integrations.qti.content import Images, to_html
from masterly.integrations.qti.errors import QtiProblem
from masterly.integrations.qti.manifest import standard_references
from masterly.integrations.qti.package import package_path
from masterly.integrations.qti.vocabulary import TEMPLATES, template_name
from masterly.integrations.qti.xml import attr, child, children, descendants, line_of, name

SUPPORTED = {"choiceInteraction", "textEntryInteraction", "extendedTextInteraction"}
NUMBER_TYPES = {"float", "integer"}
CENT = Decimal("0.01")
BOOLEANS = {"true": True, "1": True, "false": False, "0": False}  # xs:boolean


@dataclass
class ParsedChoice:
    identifier: str
    html: str
    rationale: str = ""
    dropped: bool = False
    fixed: bool = False


@dataclass
class ParsedCriterion:
    title: str
    standard: str  # a reference as written, matched like the item's standards
    levels: list[tuple[str, Decimal]]


@dataclass
class ParsedItem:
    identifier: str
    title: str
    file: str
    interaction: str = ""
    unsupported: str = ""  # why Masterly cannot store it, when it cannot
    stem_html: str = ""
    choices: list[ParsedChoice] = field(default_factory=list)
    correct: set[str] = field(default_factory=set)
    numeric_answer: Decimal | None = None
    tolerance: Decimal = Decimal(0)
    accepted: list[str] = field(default_factory=list)
    criteria: list[ParsedCriterion] = field(default_factory=list)
    rubric_text: str = ""
    max_score: Decimal = Decimal(1)
    stimulus: str = ""  # the package path of its stimulus
    standards: list[str] = field(default_factory=list)
    may_shuffle: bool = True


def read_item(
    root: etree._Element, file: str, images: Images, problems: list[QtiProblem]
) -> ParsedItem:
    identifier = attr(root, "identifier") or file
    item = ParsedItem(identifier=identifier, title=attr(root, "title"), file=file)
    if name(root) != "assessmentItem":
        problems.append(
            QtiProblem(file, line_of(root), gettext("its root element is not an assessment item."))
        )
        return item
    where = gettext("item %(id)s") % {"id": identifier}
    body = child(root, "itemBody")
    if body is None:
        problems.append(QtiProblem(file, where, gettext("it has no item body.")))
        return item
    interactions = [
        each
        for each in body.iter()
        if isinstance(each.tag, str) and name(each).endswith("Interaction")
    ]
    kinds = sorted({name(each) for each in interactions})
    unsupported = [kind for kind in kinds if kind not in SUPPORTED]
    if unsupported or len(interactions) != 1:
        item.unsupported = (
            gettext("%(kinds)s is not an interaction Masterly supports")
            % {"kinds": ", ".join(_qti3(kind) for kind in unsupported)}
            if unsupported
            else gettext("it has %(n)d interactions; a Masterly item has exactly one")
            % {"n": len(interactions)}
        )
        return item
    interaction = interactions[0]
    declaration = _declaration(root, attr(interaction, "responseIdentifier"))
    if declaration is None:
        problems.append(
            QtiProblem(
                file,
                where,
                gettext("its interaction's response %(id)r is not declared.")
                % {"id": attr(interaction, "responseIdentifier")},
            )
        )
        return item
    _check_processing(root, file, where, problems)
    stem = to_html(
        body, file=file, where=where, images=images, problems=problems, skip=frozenset(SUPPORTED)
    )
    prompt = child(interaction, "prompt")
    if prompt is not None:
        stem += to_html(prompt, file=file, where=where, images=images, problems=problems)
    item.stem_html = stem
    item.standards = standard_references(root)
    item.stimulus = _stimulus(root, file)
    item.max_score = _max_score(root, declaration)
    key = child(declaration, "correctResponse")
    correct = [v.text.strip() for v in children(key, "value") if v.text] if key is not None else []
    mapping = _mapping(declaration)
    kind = name(interaction)
    if kind == "choiceInteraction":
        _read_choices(item, interaction, declaration, correct, mapping, images, problems, where)
    elif kind == "textEntryInteraction":
        _read_text_entry(item, root, declaration, correct, mapping, problems, where)
    else:
        item.interaction = InteractionType.EXTENDED
        _read_rubric(item, body, images, problems, where)
    return item


def _qti3(kind: str) -> str:
    """``hotspotInteraction`` as a QTI 3 author writes it: ``qti-hotspot-interaction``."""
    return "qti-" + "".join(f"-{c.lower()}" if c.isupper() else c for c in kind)


def _declaration(root: etree._Element, identifier: str) -> etree._Element | None:
    for each in children(root, "responseDeclaration"):
        if attr(each, "identifier") == identifier:
            return each
    return None


def _check_processing(
    root: etree._Element, file: str, where: str, problems: list[QtiProblem]
) -> None:
    processing = child(root, "responseProcessing")
    template = attr(processing, "template") if processing is not None else ""
    if template and template_name(template) not in TEMPLATES:
        problems.append(
            QtiProblem(
                file,
                where,
                gettext(
                    "its response processing template %(t)s is not one Masterly reads "
                    "(match_correct or map_response)."
                )
                % {"t": template},
            )
        )


def _stimulus(root: etree._Element, file: str) -> str:
    ref = child(root, "assessmentStimulusRef")
    if ref is None:
        return ""
    return package_path(file, attr(ref, "href")) or ""


def _number(text: str | None) -> Decimal | None:
    try:
        value = Decimal((text or "").strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _max_score(root: etree._Element, declaration: etree._Element) -> Decimal:
    """MAXSCORE's default value, SCORE's normal maximum, or what the mapping can give; 1."""
    outcomes = {attr(each, "identifier"): each for each in children(root, "outcomeDeclaration")}
    found: Decimal | None = None
    if "MAXSCORE" in outcomes:
        values = descendants(outcomes["MAXSCORE"], "value")
        found = _number(values[0].text) if values else None
    if found is None and "SCORE" in outcomes:
        found = _number(attr(outcomes["SCORE"], "normalMaximum") or None)
    if found is None:
        mapping = child(declaration, "mapping")
        if mapping is not None:
            upper = _number(attr(mapping, "upperBound") or None)
            total = sum((v for v in _mapping(declaration).values() if v > 0), Decimal(0))
            found = min(total, upper) if upper is not None else total
    if found is None or found <= 0:
        return Decimal(1)
    return found.quantize(CENT, rounding=ROUND_DOWN) or CENT


def _mapping(declaration: etree._Element) -> dict[str, Decimal]:
    mapping = child(declaration, "mapping")
    found: dict[str, Decimal] = {}
    for entry in children(mapping, "mapEntry") if mapping is not None else []:
        value = _number(attr(entry, "mappedValue"))
        if value is not None:
            found[attr(entry, "mapKey").strip()] = value
    return found


def _read_choices(
    item: ParsedItem,
    interaction: etree._Element,
    declaration: etree._Element,
    correct: list[str],
    mapping: dict[str, Decimal],
    images: Images,
    problems: list[QtiProblem],
    where: str,
) -> None:
    # An interaction without ``shuffle`` leaves it to the assessment (ADR 21 addendum).
    item.may_shuffle = _flag(
        interaction,
        "shuffle",
        absent=True,
        refusal=_shuffle_refused,
        place=(item.file, where),
        problems=problems,
    )
    for each in children(interaction, "simpleChoice"):
        identifier = attr(each, "identifier")
        fixed = _flag(
            each,
            "fixed",
            absent=False,
            refusal=functools.partial(_fixed_refused, identifier),
            place=(item.file, where),
            problems=problems,
        )
        item.choices.append(
            ParsedChoice(
                identifier=identifier,
                html=to_html(each, file=item.file, where=where, images=images, problems=problems),
                rationale=" ".join((each.get("data-rationale") or "").split()),
                dropped=each.get("data-reduced") == "drop",
                fixed=fixed,
            )
        )
    item.correct = set(correct) or {key for key, value in mapping.items() if value > 0}
    multiple = attr(declaration, "cardinality") == "multiple"
    texts = sorted(plain_text(choice.html).lower() for choice in item.choices)
    if multiple:
        item.interaction = InteractionType.MULTIPLE_SELECT
    elif texts == ["false", "true"]:
        item.interaction = InteractionType.TRUE_FALSE
    else:
        item.interaction = InteractionType.MULTIPLE_CHOICE
    known = {choice.identifier for choice in item.choices}
    if not item.correct or not item.correct <= known:
        problems.append(
            QtiProblem(
                item.file,
                where,
                gettext(
                    "its correct response names no choice of the interaction (%(values)s); "
                    "give the key in correctResponse."
                )
                % {"values": ", ".join(sorted(item.correct)) or gettext("none given")},
            )
        )


def _shuffle_refused(value: str) -> str:
    return gettext(
        'its choice interaction\'s shuffle="%(value)s" is neither true nor false: write '
        'shuffle="true" (the options may be shuffled) or shuffle="false" (they never are).'
    ) % {"value": value}


def _fixed_refused(choice: str, value: str) -> str:
    return gettext(
        'its choice %(choice)s has fixed="%(value)s", neither true nor false: write '
        'fixed="true" (it keeps its place when the others are shuffled) or leave it out.'
    ) % {"choice": choice, "value": value}


def _flag(
    element: etree._Element,
    attribute: str,
    *,
    absent: bool,
    refusal: Callable[[str], str],
    place: tuple[str, str],
    problems: list[QtiProblem],
) -> bool:
    """An xs:boolean attribute (``true``, ``false``, ``1``, ``0``), ``absent`` when it is not
    there. Any other value is a problem, ``refusal`` of it, at ``place`` (the file, the item)
    and the element's line."""
    text = element.get(attribute)
    value = BOOLEANS.get(text.strip()) if text is not None else absent
    if value is None:
        file, where = place
        problems.append(QtiProblem(file, f"{where}, {line_of(element)}", refusal(text or "")))
        return absent
    return value


def _read_text_entry(
    item: ParsedItem,
    root: etree._Element,
    declaration: etree._Element,
    correct: list[str],
    mapping: dict[str, Decimal],
    problems: list[QtiProblem],
    where: str,
) -> None:
    if attr(declaration, "baseType") in NUMBER_TYPES:
        item.interaction = InteractionType.NUMERIC
        candidates = correct or [k for k, _v in sorted(mapping.items(), key=lambda kv: -kv[1])]
        item.numeric_answer = _number(candidates[0]) if candidates else None
        if item.numeric_answer is None:
            problems.append(
                QtiProblem(item.file, where, gettext("its correct response is not a number."))
            )
        item.tolerance = _tolerance(root)
        return
    item.interaction = InteractionType.SHORT_TEXT
    accepted = correct + [key for key, value in mapping.items() if value > 0]
    item.accepted = list(dict.fromkeys(answer for answer in accepted if answer))


def _tolerance(root: etree._Element) -> Decimal:
    """An absolute tolerance from the first ``equal`` of the response processing, else 0."""
    processing = child(root, "responseProcessing")
    for equal in descendants(processing, "equal") if processing is not None else []:
        if attr(equal, "toleranceMode") == "absolute":
            first = (attr(equal, "tolerance").split() or ["0"])[0]
            value = _number(first)
            if value is not None and value >= 0:
                return value
    return Decimal(0)


def _read_rubric(
    item: ParsedItem,
    body: etree._Element,
    images: Images,
    problems: list[QtiProblem],
    where: str,
) -> None:
    """A Masterly rubric is a table in a scorer's rubric block, a criterion a row
    (``data-standard``), a level a cell (``data-points``); any other rubric block's words are
    kept as the text of the rubric the import makes (see ``plan.fallback_rubric``)."""
    for block in descendants(body, "rubricBlock"):
        rows = [
            row for row in block.iter() if isinstance(row.tag, str) and row.get("data-standard")
        ]
        for row in rows:
            heads = [cell for cell in row if isinstance(cell.tag, str) and name(cell) == "th"]
            cells = [cell for cell in row if isinstance(cell.tag, str) and cell.get("data-points")]
            levels = []
            for cell in cells:
                points = _number(cell.get("data-points"))
                if points is None:
                    problems.append(
                        QtiProblem(
                            item.file, where, gettext("a rubric level's points are not a number.")
                        )
                    )
                    continue
                levels.append((" ".join("".join(cell.itertext()).split()), points))
            title = " ".join("".join(heads[0].itertext()).split()) if heads else ""
            item.criteria.append(ParsedCriterion(title, row.get("data-standard", ""), levels))
        if not rows:
            item.rubric_text = " ".join(" ".join(block.itertext()).split())[:300]
