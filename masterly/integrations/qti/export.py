"""Items (and an assessment's sections) written as a QTI 3 content package (.zip).

Each item is a QTI 3 item file whose standards are written in its manifest resource as IMS
curriculum standards metadata (the CASE identifiers) and, for Masterly's own re-import, its
points per standard and depth of knowledge in Masterly's namespace. A rubric is a table in a
scorer's rubric block (a row per criterion, ``data-standard``; a cell per level,
``data-points``); rationales and reduced answer choices ride on the choices as ``data-``
attributes, shuffling on QTI's own ``shuffle`` and ``fixed``. What the import reads back is
exactly this (the round trip test).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch
from lxml import etree

from masterly.assessments.items.models import (
    Choice,
    InteractionType,
    ItemImage,
    ItemStandard,
    ItemVersion,
    RubricCriterion,
    Stimulus,
)
from masterly.assessments.models import Assessment
from masterly.integrations.qti import identifiers
from masterly.integrations.qti.content import to_xml
from masterly.integrations.qti.vocabulary import CP, CSM, MASTERLY, QTI3, TEMPLATE_URI, XSI

IMAGE_SRC = re.compile(r"/assessments/images/([0-9]+)/")
EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp",
              "image/svg+xml": "svg"}  # fmt: skip


@dataclass(frozen=True)
class Placement:
    section: int
    version: ItemVersion


def _q(tag: str) -> str:
    return f"{{{QTI3}}}{tag}"


def _number(value: Decimal) -> str:
    return format(value.normalize(), "f")


def versions_for_export(version_ids: Iterable[int]) -> list[ItemVersion]:
    """The versions with every part the package writes, in a fixed number of queries."""
    ids = list(version_ids)
    rows = (
        ItemVersion.objects.filter(pk__in=ids)
        .select_related("stimulus")
        .prefetch_related(
            Prefetch("choices", queryset=Choice.objects.order_by("position")),
            Prefetch("alignments", queryset=ItemStandard.objects.select_related("standard")),
            Prefetch(
                "criteria",
                queryset=RubricCriterion.objects.select_related("standard").prefetch_related(
                    "levels"
                ),
            ),
        )
    )
    by_pk = {row.pk: row for row in rows}
    return [by_pk[pk] for pk in ids if pk in by_pk]


def export_items(versions: Sequence[ItemVersion], *, title: str) -> bytes:
    return _Package(title).write([Placement(1, v) for v in versions], test=None)


def export_assessment(assessment: Assessment) -> bytes:
    placements = list(
        assessment.items.order_by("section", "position").values_list("section", "item_version")
    )
    versions = {v.pk: v for v in versions_for_export(pk for _s, pk in placements)}
    return _Package(assessment.title).write(
        [Placement(section, versions[pk]) for section, pk in placements], test=assessment
    )


class _Package:
    def __init__(self, title: str) -> None:
        self.title = title
        self.files: dict[str, bytes] = {}
        self.resources: list[etree._Element] = []
        self.images: dict[int, str] = {}  # image id → its path in the package

    def write(self, placements: list[Placement], test: Assessment | None) -> bytes:
        self._collect_images(placements)
        stimuli: dict[int, str] = {}
        item_paths: list[tuple[int, str, str]] = []
        for placement in placements:
            version = placement.version
            stimulus_path = ""
            if version.stimulus is not None:
                stimulus_path = stimuli.get(version.stimulus.pk) or self._stimulus(version.stimulus)
                stimuli[version.stimulus.pk] = stimulus_path
            identifier, path = self._item(version, stimulus_path)
            item_paths.append((placement.section, identifier, path))
        if test is not None:
            self._test(test, item_paths)
        self.files["imsmanifest.xml"] = self._manifest()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path, data in self.files.items():
                archive.writestr(path, data)
        return buffer.getvalue()

    # ---------------------------------------------------------- images

    def _collect_images(self, placements: list[Placement]) -> None:
        html = []
        for placement in placements:
            version = placement.version
            html.append(version.stem_html)
            html += [choice.content_html for choice in version.choices.all()]
            if version.stimulus is not None:
                html.append(version.stimulus.content_html)
        wanted = {int(found) for text in html for found in IMAGE_SRC.findall(text)}
        for image in ItemImage.objects.filter(pk__in=wanted).order_by("pk"):
            path = f"images/image-{image.pk}.{EXTENSIONS.get(image.content_type, 'bin')}"
            self.images[image.pk] = path
            self.files[path] = bytes(image.data)
            resource = self._resource(f"image-{image.pk}", "webcontent", path)
            self.resources.append(resource)

    def _content(self, parent: etree._Element, html: str) -> None:
        """Rich text into ``parent``, its images pointing at their files (from a folder
        one level down: items/, stimuli/)."""

        def relative(match: re.Match[str]) -> str:
            path = self.images.get(int(match.group(1)))
            return f"../{path}" if path else match.group(0)

        to_xml(parent, IMAGE_SRC.sub(relative, html), QTI3)

    # ---------------------------------------------------------- stimuli and items

    def _stimulus(self, stimulus: Stimulus) -> str:
        identifier = identifiers.exported("stimulus", stimulus.pk)
        path = f"stimuli/{identifier}.xml"
        root = etree.Element(_q("qti-assessment-stimulus"), nsmap={None: QTI3})
        root.set("identifier", identifier)
        root.set("title", stimulus.title)
        self._content(etree.SubElement(root, _q("qti-stimulus-body")), stimulus.content_html)
        self.files[path] = _xml(root)
        self.resources.append(self._resource(identifier, "imsqti_stimulus_xmlv3p0", path))
        return path

    def _item(self, version: ItemVersion, stimulus_path: str) -> tuple[str, str]:
        identifier = identifiers.exported("item", version.item_id)
        path = f"items/{identifier}.xml"
        root = etree.Element(_q("qti-assessment-item"), nsmap={None: QTI3, "xsi": XSI})
        root.set("identifier", identifier)
        root.set("title", f"Item {version.item_id}")
        root.set("adaptive", "false")
        root.set("time-dependent", "false")
        points = sum((a.points for a in version.alignments.all()), Decimal(0))
        _declarations(root, version, points)
        if stimulus_path:
            ref = etree.SubElement(root, _q("qti-assessment-stimulus-ref"))
            ref.set("identifier", identifiers.exported("stimulus", version.stimulus_id or 0))
            ref.set("href", f"../{stimulus_path}")
        body = etree.SubElement(root, _q("qti-item-body"))
        self._content(body, version.stem_html)
        self._interaction(body, version)
        _processing(root, version)
        self.files[path] = _xml(root)
        resource = self._resource(identifier, "imsqti_item_xmlv3p0", path)
        resource.insert(0, _metadata(version))
        self.resources.append(resource)
        return identifier, path

    def _interaction(self, body: etree._Element, version: ItemVersion) -> None:
        kind = version.interaction
        if kind in (InteractionType.MULTIPLE_CHOICE, InteractionType.MULTIPLE_SELECT,
                    InteractionType.TRUE_FALSE):  # fmt: skip
            interaction = etree.SubElement(body, _q("qti-choice-interaction"))
            interaction.set("response-identifier", "RESPONSE")
            single = kind != InteractionType.MULTIPLE_SELECT
            interaction.set("max-choices", "1" if single else "0")
            # Written either way: QTI 3 reads a missing shuffle as false.
            interaction.set("shuffle", "true" if version.may_shuffle_options else "false")
            for choice in version.choices.all():
                element = etree.SubElement(interaction, _q("qti-simple-choice"))
                element.set("identifier", _choice_id(choice))
                if choice.fixed:
                    element.set("fixed", "true")
                if choice.rationale:
                    element.set("data-rationale", choice.rationale)
                if choice.dropped_when_reduced:
                    element.set("data-reduced", "drop")
                self._content(element, choice.content_html)
        elif kind in (InteractionType.NUMERIC, InteractionType.SHORT_TEXT):
            holder = etree.SubElement(body, _q("p"))
            entry = etree.SubElement(holder, _q("qti-text-entry-interaction"))
            entry.set("response-identifier", "RESPONSE")
        else:
            _rubric(body, version)
            extended = etree.SubElement(body, _q("qti-extended-text-interaction"))
            extended.set("response-identifier", "RESPONSE")

    # ---------------------------------------------------------- the test and the manifest

    def _test(self, test: Assessment, items: list[tuple[int, str, str]]) -> None:
        identifier = identifiers.exported("test", test.pk)
        path = f"tests/{identifier}.xml"
        root = etree.Element(_q("qti-assessment-test"), nsmap={None: QTI3})
        root.set("identifier", identifier)
        root.set("title", test.title)
        part = etree.SubElement(root, _q("qti-test-part"))
        part.set("identifier", "part-1")
        part.set("navigation-mode", "nonlinear")
        part.set("submission-mode", "simultaneous")
        sections: dict[int, etree._Element] = {}
        titles = dict(test.sections.values_list("number", "title"))
        for number, item_identifier, item_path in items:
            if number not in sections:
                sections[number] = etree.SubElement(part, _q("qti-assessment-section"))
                sections[number].set("identifier", f"section-{number}")
                sections[number].set("title", titles.get(number) or f"Section {number}")
                sections[number].set("visible", "true")
                if test.shuffle_items:
                    etree.SubElement(sections[number], _q("qti-ordering")).set("shuffle", "true")
            ref = etree.SubElement(sections[number], _q("qti-assessment-item-ref"))
            ref.set("identifier", item_identifier)
            ref.set("href", f"../{item_path}")
        self.files[path] = _xml(root)
        self.resources.append(self._resource(identifier, "imsqti_test_xmlv3p0", path))

    def _resource(self, identifier: str, kind: str, path: str) -> etree._Element:
        resource = etree.Element(f"{{{CP}}}resource")
        resource.set("identifier", identifier)
        resource.set("type", kind)
        resource.set("href", path)
        etree.SubElement(resource, f"{{{CP}}}file").set("href", path)
        return resource

    def _manifest(self) -> bytes:
        root = etree.Element(f"{{{CP}}}manifest", nsmap={None: CP, "csm": CSM, "mly": MASTERLY})
        root.set("identifier", f"masterly-{identifiers.install_tag()}")
        metadata = etree.SubElement(root, f"{{{CP}}}metadata")
        etree.SubElement(metadata, f"{{{CP}}}schema").text = "QTI Package"
        etree.SubElement(metadata, f"{{{CP}}}schemaversion").text = "3.0.0"
        etree.SubElement(root, f"{{{CP}}}organizations")
        resources = etree.SubElement(root, f"{{{CP}}}resources")
        resources.extend(self.resources)
        return _xml(root)


def _xml(root: etree._Element) -> bytes:
    # Never pretty-printed: indentation would become text between the content's elements.
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _choice_id(choice: Choice) -> str:
    return f"choice-{choice.position + 1}"


def _value(parent: etree._Element, text: str) -> None:
    etree.SubElement(parent, _q("qti-value")).text = text


def _declarations(root: etree._Element, version: ItemVersion, points: Decimal) -> None:
    kind = version.interaction
    declaration = etree.SubElement(root, _q("qti-response-declaration"))
    declaration.set("identifier", "RESPONSE")
    multiple = kind == InteractionType.MULTIPLE_SELECT
    declaration.set("cardinality", "multiple" if multiple else "single")
    base = "identifier"
    if kind == InteractionType.NUMERIC:
        base = "float"
    elif kind in (InteractionType.SHORT_TEXT, InteractionType.EXTENDED):
        base = "string"
    declaration.set("base-type", base)
    correct: list[str] = []
    if kind in (InteractionType.MULTIPLE_CHOICE, InteractionType.MULTIPLE_SELECT,
                InteractionType.TRUE_FALSE):  # fmt: skip
        correct = [_choice_id(c) for c in version.choices.all() if c.is_correct]
    elif kind == InteractionType.NUMERIC and version.numeric_answer is not None:
        correct = [_number(version.numeric_answer)]
    elif kind == InteractionType.SHORT_TEXT:
        correct = list(version.accepted_answers[:1])
    if correct:
        key = etree.SubElement(declaration, _q("qti-correct-response"))
        for value in correct:
            _value(key, value)
    if kind == InteractionType.SHORT_TEXT and version.accepted_answers:
        mapping = etree.SubElement(declaration, _q("qti-mapping"))
        mapping.set("default-value", "0")
        mapping.set("upper-bound", _number(points))
        for answer in version.accepted_answers:
            entry = etree.SubElement(mapping, _q("qti-map-entry"))
            entry.set("map-key", answer)
            entry.set("mapped-value", _number(points))
            entry.set("case-sensitive", "false")
    score = etree.SubElement(root, _q("qti-outcome-declaration"))
    score.set("identifier", "SCORE")
    score.set("cardinality", "single")
    score.set("base-type", "float")
    if version.teacher_scored or kind == InteractionType.EXTENDED:
        score.set("external-scored", "human")
    maximum = etree.SubElement(root, _q("qti-outcome-declaration"))
    maximum.set("identifier", "MAXSCORE")
    maximum.set("cardinality", "single")
    maximum.set("base-type", "float")
    _value(etree.SubElement(maximum, _q("qti-default-value")), _number(points))


def _processing(root: etree._Element, version: ItemVersion) -> None:
    kind = version.interaction
    if version.teacher_scored or kind == InteractionType.EXTENDED:
        return
    processing = etree.SubElement(root, _q("qti-response-processing"))
    if kind == InteractionType.SHORT_TEXT:
        processing.set("template", TEMPLATE_URI.format(name="map_response"))
        return
    if kind != InteractionType.NUMERIC or not version.numeric_tolerance:
        processing.set("template", TEMPLATE_URI.format(name="match_correct"))
        return
    # A tolerance is no template: "equal, within the tolerance either way, scores MAXSCORE".
    condition = etree.SubElement(processing, _q("qti-response-condition"))
    branch = etree.SubElement(condition, _q("qti-response-if"))
    equal = etree.SubElement(branch, _q("qti-equal"))
    tolerance = _number(version.numeric_tolerance)
    equal.set("tolerance-mode", "absolute")
    equal.set("tolerance", f"{tolerance} {tolerance}")
    etree.SubElement(equal, _q("qti-variable")).set("identifier", "RESPONSE")
    etree.SubElement(equal, _q("qti-correct")).set("identifier", "RESPONSE")
    outcome = etree.SubElement(branch, _q("qti-set-outcome-value"))
    outcome.set("identifier", "SCORE")
    etree.SubElement(outcome, _q("qti-variable")).set("identifier", "MAXSCORE")


def _rubric(body: etree._Element, version: ItemVersion) -> None:
    block = etree.SubElement(body, _q("qti-rubric-block"))
    block.set("use", "scoring")
    block.set("view", "scorer")
    table = etree.SubElement(etree.SubElement(block, _q("qti-content-body")), _q("table"))
    rows = etree.SubElement(table, _q("tbody"))
    for criterion in version.criteria.all():
        row = etree.SubElement(rows, _q("tr"))
        row.set("data-standard", criterion.standard.identifier)
        etree.SubElement(row, _q("th")).text = criterion.title
        for level in criterion.levels.all():
            cell = etree.SubElement(row, _q("td"))
            cell.set("data-points", _number(level.points))
            cell.text = level.label


def _metadata(version: ItemVersion) -> etree._Element:
    metadata = etree.Element(f"{{{CP}}}metadata")
    standards = etree.SubElement(
        etree.SubElement(metadata, f"{{{CSM}}}curriculumStandardsMetadataSet"),
        f"{{{CSM}}}curriculumStandardsMetadata",
    )
    standards.set("providerId", "CASE")
    guids = etree.SubElement(standards, f"{{{CSM}}}setOfGUIDs")
    extension = etree.SubElement(metadata, f"{{{MASTERLY}}}item")
    extension.set("dok", str(version.dok))
    for alignment in version.alignments.all():
        labelled = etree.SubElement(guids, f"{{{CSM}}}labelledGUID")
        etree.SubElement(labelled, f"{{{CSM}}}label").text = alignment.standard.label
        etree.SubElement(labelled, f"{{{CSM}}}GUID").text = alignment.standard.identifier
        points = etree.SubElement(extension, f"{{{MASTERLY}}}points")
        points.set("standard", alignment.standard.identifier)
        points.text = _number(alignment.points)
    return metadata
