"""A QTI assessment test read as its title and its sections' item files, in order.

Each section that holds item references directly becomes one of the assessment's section
numbers, in document order (a section of sections only groups them), with its title. The
test shuffles its items when any such section's ``ordering`` says ``shuffle="true"``
(Masterly shuffles within every section or none).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext
from lxml import etree

from masterly.integrations.qti.errors import QtiProblem
from masterly.integrations.qti.package import Package, package_path
from masterly.integrations.qti.xml import attr, child, children, descendants, line_of, name


@dataclass
class ParsedTest:
    identifier: str
    title: str
    file: str
    sections: list[list[str]] = field(default_factory=list)  # item file paths per section
    section_titles: list[str] = field(default_factory=list)  # each section's, in the same order
    shuffle_items: bool = False


def read_test(
    root: etree._Element, file: str, package: Package, problems: list[QtiProblem]
) -> ParsedTest:
    # A title of spaces is no title; one longer than an assessment's is cut to fit.
    title = (attr(root, "title").strip() or file)[:300]
    test = ParsedTest(attr(root, "identifier") or file, title, file)
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
            test.section_titles.append(" ".join(attr(section, "title").split())[:200])
            ordering = child(section, "ordering")
            if ordering is not None and attr(ordering, "shuffle").strip() == "true":
                test.shuffle_items = True
    if not test.sections:
        problems.append(QtiProblem(file, test.identifier, gettext("the test holds no items.")))
    return test
