"""The demo district: ``masterly demo`` builds it through the same import a district uses.

Steps live in their own modules (rosters now; standards and trackers later) and the command
runs them in order.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from masterly.integrations.oneroster.summary import ImportSummary


def build_demo(*, today: datetime.date, seed: int | None = None) -> ImportSummary:
    """Build the demo district's rosters (see ``masterly.demo.rosters``)."""
    # Imported when called: this package is an installed app, loaded before models are ready.
    from masterly.demo import rosters

    return rosters.build_demo(today=today, seed=rosters.SEED if seed is None else seed)
