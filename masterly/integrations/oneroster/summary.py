"""What an import did, per file: created, updated, deactivated, unchanged; and what it read
but ignored (warnings: a value Masterly cannot use that refuses nothing)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from masterly.roster.services import WriteCounts

MAX_WARNINGS = 50  # listed; the others are counted (``warnings_left_off``)


@dataclass
class FileSummary:
    file: str
    label: str
    counts: WriteCounts = field(default_factory=WriteCounts)

    @property
    def changes(self) -> int:
        return self.counts.created + self.counts.updated + self.counts.deactivated


@dataclass
class ImportSummary:
    source: str
    version: str = ""
    dry_run: bool = False
    seconds: float = 0.0
    apply_seconds: float = 0.0  # of which the apply: the only long hold of the write lock
    ahead_seconds: float = 0.0  # new records inserted ahead of it, in short batches
    plan_seconds: float = 0.0  # the rows it changes found ahead of it, in short batches too
    files: list[FileSummary] = field(default_factory=list)
    # People the files would have deactivated but a confirmed import keeps (masterly.keep).
    kept_active: list[str] = field(default_factory=list)
    # Values read but ignored, each {file, line, column, message}, in the order found.
    warnings: list[dict[str, Any]] = field(default_factory=list)
    warnings_left_off: int = 0

    def warn(self, file: str, message: str, *, line: int | None, column: str | None) -> None:
        if len(self.warnings) >= MAX_WARNINGS:
            self.warnings_left_off += 1
            return
        self.warnings.append({"file": file, "line": line, "column": column, "message": message})

    def warning_lines(self) -> list[str]:
        """The warnings as the command prints them: "users.csv, line 4, column …: …"."""
        lines = []
        for w in self.warnings:
            where = w["file"] + (f", line {w['line']}" if w["line"] is not None else "")
            where += f", column {w['column']}" if w["column"] else ""
            lines.append(f"{where}: {w['message']}")
        if self.warnings_left_off:
            lines.append(f"… and {self.warnings_left_off:,} more like these.")
        return lines

    def entry(self, file: str, label: str) -> FileSummary:
        for summary in self.files:
            if summary.file == file:
                return summary
        summary = FileSummary(file=file, label=label)
        self.files.append(summary)
        return summary

    @property
    def changes(self) -> int:
        return sum(summary.changes for summary in self.files)

    def totals(self) -> WriteCounts:
        total = WriteCounts()
        for summary in self.files:
            total.add(summary.counts)
        return total

    def headline(self) -> str:
        t = self.totals()
        return (
            f"OneRoster {self.version} import of {self.source}: {t.created:,} created, "
            f"{t.updated:,} updated, {t.deactivated:,} deactivated, {t.unchanged:,} unchanged"
        )

    def as_table(self) -> str:
        rows: list[tuple[str, ...]] = [("file", "created", "updated", "deactivated", "unchanged")]
        for s in self.files:
            c = s.counts
            rows.append(
                (s.label, *(f"{n:,}" for n in (c.created, c.updated, c.deactivated, c.unchanged)))
            )
        t = self.totals()
        rows.append(
            ("total", *(f"{n:,}" for n in (t.created, t.updated, t.deactivated, t.unchanged)))
        )
        width = max(len(row[0]) for row in rows)
        lines = []
        for i, row in enumerate(rows):
            lines.append(f"{row[0]:<{width}}  " + "  ".join(f"{v:>11}" for v in row[1:]))
            if i == 0 or i == len(rows) - 2:
                lines.append("-" * len(lines[-1]))
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ImportSummary:
        files = [
            FileSummary(file=f["file"], label=f["label"], counts=WriteCounts(**f["counts"]))
            for f in data.get("files", [])
        ]
        return cls(
            source=data.get("source", ""),
            version=data.get("version", ""),
            dry_run=data.get("dry_run", False),
            seconds=data.get("seconds", 0.0),
            apply_seconds=data.get("apply_seconds", 0.0),
            ahead_seconds=data.get("ahead_seconds", 0.0),
            plan_seconds=data.get("plan_seconds", 0.0),
            files=files,
            kept_active=list(data.get("kept_active", [])),
            warnings=list(data.get("warnings", [])),
            warnings_left_off=data.get("warnings_left_off", 0),
        )
