from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from masterly.integrations.oneroster.importer import roster_import
from masterly.integrations.oneroster.source import open_source
from masterly.integrations.oneroster.summary import ImportSummary
from tests.oneroster.builders import RosterSet

Importer = Callable[..., ImportSummary]


@pytest.fixture
def import_set(tmp_path: Path) -> Importer:
    """Write a RosterSet as a zip (or folder) and import it with the service."""
    counter = iter(range(1000))

    def run(
        roster: RosterSet,
        *,
        folder: bool = False,
        dry_run: bool = False,
        allow_mass_deactivation: bool = False,
        overrides: dict[str, bytes | None] | None = None,
    ) -> ImportSummary:
        name = f"set{next(counter)}"
        if folder:
            path = roster.write_folder(tmp_path / name)
        else:
            path = roster.write_zip(tmp_path / f"{name}.zip", overrides=overrides)
        with open_source(path) as source:
            return roster_import(
                source=source,
                actor=None,
                dry_run=dry_run,
                allow_mass_deactivation=allow_mass_deactivation,
            )

    return run
