"""Evidence and its history are written in one module only, ``services/_evidence_rows.py``
(ADR 11): a write anywhere else in masterly/ would skip the rollups' refresh and the audit.

The import-linter contract keeps that module private; this keeps anyone from writing the
rows around it (through the ORM or the bulk writer)."""

from __future__ import annotations

import ast
from pathlib import Path

import masterly

ROOT = Path(masterly.__file__).parent
THE_WRITER = ROOT / "trackers" / "services" / "_evidence_rows.py"
MODELS = {"Evidence", "EvidenceRevision"}
ORM_WRITES = {
    "create",
    "update",
    "delete",
    "bulk_create",
    "bulk_update",
    "get_or_create",
    "update_or_create",
}
BULK_WRITERS = {"insert_rows", "insert_rows_returning_ids"}


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _manager_model(node: ast.expr) -> str | None:
    """The model whose manager a chain of calls starts from (``Evidence.objects.filter(…)``)."""
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            if node.attr in {"objects", "_default_manager", "all_objects"}:
                return _name(node.value)
            node = node.value
        else:
            return None


def _writes(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in ORM_WRITES:
            model = _manager_model(func.value)
            if model in MODELS:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {model}….{func.attr}")
        if _name(func) in BULK_WRITERS and node.args and _name(node.args[0]) in MODELS:
            found.append(f"{path.relative_to(ROOT)}:{node.lineno} {_name(func)}")
    return found


def test_evidence_rows_are_written_only_by_the_private_row_writer() -> None:
    elsewhere = [
        write
        for path in sorted(ROOT.rglob("*.py"))
        if path != THE_WRITER and "migrations" not in path.parts
        for write in _writes(path)
    ]
    assert elsewhere == []


def test_the_scan_finds_the_writes_it_looks_for() -> None:
    assert sorted(write.split(" ", 1)[1] for write in _writes(THE_WRITER)) == [
        "EvidenceRevision….create",
        "insert_rows",
        "insert_rows_returning_ids",
    ]
