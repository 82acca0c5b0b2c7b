"""A learning-progressions CSV (``source,target,relationship``) read into edges."""

from __future__ import annotations

import csv
import io

from masterly.standards.services import ProgressionEdge, ProgressionImportError

COLUMNS = ("source", "target", "relationship")


def read_progressions(data: bytes | str) -> list[ProgressionEdge]:
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ProgressionImportError(
                ["The file is not UTF-8 text; save it as CSV (UTF-8)."]
            ) from None
    reader = csv.DictReader(io.StringIO(data))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        raise ProgressionImportError(
            [
                f"The file has no {', '.join(missing)} column{'s' if len(missing) > 1 else ''}. "
                "Its first line must name the columns: source,target,relationship."
            ]
        )
    reader.fieldnames = header
    edges: list[ProgressionEdge] = []
    problems: list[str] = []
    for row in reader:
        line = reader.line_num
        values = {name: (row.get(name) or "").strip() for name in COLUMNS}
        empty = [name for name, value in values.items() if not value]
        if len(empty) == len(COLUMNS):
            continue  # a blank line
        if empty:
            problems.append(f"Row {line}: {', '.join(empty)} is empty.")
            continue
        edges.append(ProgressionEdge(row=line, **values))
    if problems:
        raise ProgressionImportError(problems)
    return edges
