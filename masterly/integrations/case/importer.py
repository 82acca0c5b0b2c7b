"""One CASE import, however it was started (command line, upload, URL)."""

from __future__ import annotations

from typing import Any

from masterly.integrations.case.reader import read_package
from masterly.standards.services import ImportSummary, framework_import
from masterly.standards.services.frameworks import Progress


def import_case_package(
    *, actor: Any | None, data: bytes | str, source: str, progress: Progress | None = None
) -> ImportSummary:
    """Read and import a package; raises FrameworkImportError (nothing written) if it is bad."""
    if progress is not None:
        progress("Reading the package", 0, 0)
    package = read_package(data)
    return framework_import(actor=actor, package=package, source=source, progress=progress)
