"""A whole package read and checked before anything is written: its manifest, every item,
stimulus and test it lists, and every image they show (each checked by ``checked_image``).

Every problem found is collected, so one refusal lists them all; interactions Masterly does not
support are listed apart, so the rest can be imported when the person confirms.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from django.utils.translation import gettext

from masterly.assessments.items.content import CheckedImage, ContentRejected, checked_image
from masterly.integrations.qti.content import Images, to_html
from masterly.integrations.qti.errors import QtiImportRejected, QtiProblem
from masterly.integrations.qti.items import ParsedItem, read_item
from masterly.integrations.qti.manifest import Manifest, Resource, read_manifest
from masterly.integrations.qti.package import Package
from masterly.integrations.qti.tests import ParsedTest, read_test
from masterly.integrations.qti.xml import attr, child, line_of, name, parse


@dataclass
class ParsedStimulus:
    identifier: str
    title: str
    html: str
    file: str


@dataclass
class ParsedPackage:
    manifest: Manifest
    items: dict[str, ParsedItem] = field(default_factory=dict)  # by file path
    resources: dict[str, Resource] = field(default_factory=dict)  # an item file's resource
    stimuli: dict[str, ParsedStimulus] = field(default_factory=dict)
    tests: list[ParsedTest] = field(default_factory=list)
    images: Images = field(default_factory=Images)
    checked_images: dict[str, CheckedImage] = field(default_factory=dict)  # by placeholder
    unsupported: list[QtiProblem] = field(default_factory=list)


def read_package(package: Package) -> ParsedPackage:
    """Everything the package holds, or QtiImportRejected listing every problem found."""
    parsed = ParsedPackage(read_manifest(package))
    problems: list[QtiProblem] = []
    for resource in parsed.manifest.items:
        parsed.resources.setdefault(resource.href, resource)
    for resource in parsed.manifest.tests:
        _read(problems, partial(_read_test, package, parsed, resource.href, problems))
    wanted = list(parsed.resources) + [p for t in parsed.tests for s in t.sections for p in s]
    for path in dict.fromkeys(wanted):
        _read(problems, partial(_read_item, package, parsed, path, problems))
    for item in parsed.items.values():
        if item.stimulus and item.stimulus not in parsed.stimuli:
            _read(problems, partial(_read_stimulus, package, parsed, item, problems))
    _read_images(package, parsed, problems)
    if problems:
        raise QtiImportRejected(problems)
    parsed.unsupported = [
        QtiProblem(item.file, gettext("item %(id)s") % {"id": item.identifier}, item.unsupported)
        for item in parsed.items.values()
        if item.unsupported
    ]
    return parsed


def _read(problems: list[QtiProblem], read: Callable[[], None]) -> None:
    """Read one file; one that cannot be parsed adds its problems, and the others are read."""
    try:
        read()
    except QtiImportRejected as refused:
        problems.extend(refused.problems)


def _read_test(
    package: Package, parsed: ParsedPackage, path: str, problems: list[QtiProblem]
) -> None:
    parsed.tests.append(read_test(parse(package.read(path), path), path, package, problems))


def _read_item(
    package: Package, parsed: ParsedPackage, path: str, problems: list[QtiProblem]
) -> None:
    item = read_item(parse(package.read(path), path), path, parsed.images, problems)
    parsed.items[path] = item


def _read_stimulus(
    package: Package, parsed: ParsedPackage, item: ParsedItem, problems: list[QtiProblem]
) -> None:
    path = item.stimulus
    if not package.has(path):
        problems.append(
            QtiProblem(
                item.file,
                gettext("item %(id)s") % {"id": item.identifier},
                gettext("its stimulus %(path)s is not in the package.") % {"path": path},
            )
        )
        return
    root = parse(package.read(path), path)
    body = child(root, "stimulusBody")
    if name(root) != "assessmentStimulus" or body is None:
        problems.append(
            QtiProblem(
                path, line_of(root), gettext("it is not an assessment stimulus with a body.")
            )
        )
        return
    identifier = attr(root, "identifier") or path
    where = gettext("stimulus %(id)s") % {"id": identifier}
    html = to_html(body, file=path, where=where, images=parsed.images, problems=problems)
    parsed.stimuli[path] = ParsedStimulus(identifier, attr(root, "title") or identifier, html, path)


def _read_images(package: Package, parsed: ParsedPackage, problems: list[QtiProblem]) -> None:
    for ref in parsed.images.by_path.values():
        if not package.has(ref.path):
            problems.append(
                QtiProblem(
                    ref.path, "", gettext("an item shows this image, which is not in the package.")
                )
            )
            continue
        if ref.alt is None:
            problems.append(
                QtiProblem(
                    ref.path,
                    "",
                    gettext(
                        "this image has no alternative text (alt) where it is shown; describe it "
                        'for students who cannot see it (or mark it decorative with alt="").'
                    ),
                )
            )
        try:
            parsed.checked_images[ref.placeholder] = checked_image(
                package.read(ref.path), filename=ref.path
            )
        except ContentRejected as rejected:
            problems.append(QtiProblem(ref.path, "", rejected.message))
