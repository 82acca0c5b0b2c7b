"""A QTI assessment test read as its title and its sections' item files, in order.

Each section that holds item references directly becomes one of the assessment's section
numbers, in document order (a section of sections only groups them); composition's section
titles and shuffling (``assessments`` 0004) are not read here yet.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext
from lxml import etree

from masterly.integrations.qti.errors import QtiProblem
from masterly.integrations.qti.package import Package, package_path
from masterly.integrations.qti.xml import attr, children, descendants, line_of, name


@dataclass
class ParsedTest:
    identifier: str
    title: str
    file: str
    sections: list[list[str]] = field(default_factory=list)  # item file paths per section


def read_test(
    root: etree._Element, file: str, package: Package, problems: list[QtiProblem]
) -> ParsedTest:
    test = ParsedTest(attr(root, "identifier") or file, attr(root, "title") or file, file)
    if name(root) != "assessmentTest":
        problems.append(
            QtiProblem(file, line_of(root), gettext("its root element is not an assessment test."))
        )
        return test
    for section in descendants(root, "assessmentSection"):
        refs = children(section, "assessmentItemRef")
        paths = []
        for ref in refs:
            path = package_path(file, attr(ref, "href"))
            if path is None or not package.has(path):
                problems.append(
                    QtiProblem(
                        file,
                        gettext("item ref %(id)s, %(line)s")
                        % {"id": attr(ref, "identifier"), "line": line_of(ref)},
                        gettext("it points at %(href)s, which is not in the package.")
                        % {"href": attr(ref, "href")},
                    )
                )
                continue
            paths.append(path)
        if paths:
            test.sections.append(paths)
    if not test.sections:
        problems.append(QtiProblem(file, test.identifier, gettext("the test holds no items.")))
    return test
