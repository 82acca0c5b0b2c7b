"""``imsmanifest.xml``: the package's items, tests, stimuli and files, and each resource's
standards (IMS curriculum standards metadata, or LOM classification) and Masterly metadata."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext
from lxml import etree

from masterly.integrations.qti.errors import QtiImportRejected, QtiProblem
from masterly.integrations.qti.package import MANIFEST, Package, package_path
from masterly.integrations.qti.vocabulary import ITEM_TYPES, MASTERLY, STIMULUS_TYPES, TEST_TYPES
from masterly.integrations.qti.xml import descendants, line_of, local, parse


@dataclass
class Resource:
    identifier: str
    type: str
    href: str  # its main file, a path inside the package
    line: str
    standards: list[str] = field(default_factory=list)  # CASE GUIDs or URIs, as written
    points: dict[str, Decimal] = field(default_factory=dict)  # Masterly's points per standard
    dok: int | None = None


@dataclass
class Manifest:
    identifier: str
    title: str
    items: list[Resource]
    tests: list[Resource]
    stimuli: list[Resource]


def read_manifest(package: Package) -> Manifest:
    root = parse(package.read(MANIFEST), MANIFEST)
    if local(root) != "manifest":
        raise QtiImportRejected(
            [QtiProblem(MANIFEST, line_of(root), gettext("its root element is not <manifest>."))]
        )
    problems: list[QtiProblem] = []
    kinds: dict[str, list[Resource]] = {"item": [], "test": [], "stimulus": []}
    for element in descendants(root, "resource"):
        resource = _resource(element, package, problems)
        kind = _kind(resource.type)
        if kind:
            kinds[kind].append(resource)
    if problems:
        raise QtiImportRejected(problems)
    if not kinds["item"] and not kinds["test"]:
        raise QtiImportRejected(
            [
                QtiProblem(
                    MANIFEST,
                    "",
                    gettext(
                        "it lists no QTI items or tests (resources of type imsqti_item_… "
                        "or imsqti_test_…)."
                    ),
                )
            ]
        )
    titles = [each.text or "" for each in descendants(root, "title")]
    title = " ".join(" ".join(titles[:1]).split()) or package.name
    return Manifest(
        root.get("identifier") or package.name,
        title,
        kinds["item"],
        kinds["test"],
        kinds["stimulus"],
    )


def _kind(resource_type: str) -> str:
    for kind, types in (("item", ITEM_TYPES), ("test", TEST_TYPES), ("stimulus", STIMULUS_TYPES)):
        if resource_type.startswith(types):
            return kind
    return ""


def _resource(element: etree._Element, package: Package, problems: list[QtiProblem]) -> Resource:
    where = gettext("resource %(id)s, %(line)s") % {
        "id": element.get("identifier") or "?",
        "line": line_of(element),
    }
    hrefs = [element.get("href") or ""] + [
        each.get("href") or "" for each in element if local(each) == "file"
    ]
    main = ""
    for href in dict.fromkeys(hrefs):  # a resource's href is usually among its files too
        if not href:
            continue
        path = package_path(MANIFEST, href)
        if path is None or not package.has(path):
            problems.append(
                QtiProblem(
                    MANIFEST,
                    where,
                    gettext(
                        "it lists the file %(href)s, which is not in the package. Add the file "
                        "or remove it from the manifest."
                    )
                    % {"href": href},
                )
            )
        elif not main:
            main = path
    resource = Resource(
        identifier=element.get("identifier") or main,
        type=element.get("type") or "",
        href=main,
        line=where,
    )
    _read_metadata(element, resource, problems)
    return resource


def standard_references(element: etree._Element) -> list[str]:
    """The standards metadata under ``element``: CSM GUIDs and LOM taxon ids, in order."""
    found: list[str] = []
    for each in element.iter():
        if not isinstance(each.tag, str):
            continue
        tag = local(each)
        if tag == "GUID" or (tag == "id" and local(each.getparent()) == "taxon"):
            text = " ".join((each.text or "").split())
            if text and text not in found:
                found.append(text)
    return found


def _read_metadata(element: etree._Element, resource: Resource, problems: list[QtiProblem]) -> None:
    for metadata in (each for each in element if local(each) == "metadata"):
        resource.standards += [
            s for s in standard_references(metadata) if s not in resource.standards
        ]
        for each in metadata.iter(f"{{{MASTERLY}}}item"):
            dok = each.get("dok", "")
            resource.dok = int(dok) if dok in {"1", "2", "3", "4"} else None
        for each in metadata.iter(f"{{{MASTERLY}}}points"):
            try:
                resource.points[each.get("standard", "")] = Decimal((each.text or "").strip())
            except InvalidOperation:
                problems.append(
                    QtiProblem(
                        MANIFEST,
                        resource.line,
                        gettext("points %(text)r are not a number.") % {"text": each.text},
                    )
                )
