"""A dashboard chart's row names fit beside the bars: a long one (Spanish group names are)
is cut with an ellipsis, and kept whole in its title."""

from __future__ import annotations

import re

from django.utils import translation

from masterly.reports.dashboards.charts import LABEL_CHARS, bars
from masterly.roster.groups import group_label
from masterly.trackers.selectors.dashboard_figures import Figure


def test_long_names_are_cut_to_fit_and_kept_whole_in_their_title() -> None:
    with translation.override("es"):
        long_name = group_label("race:native_hawaiian_or_other_pacific_islander")
        svg = str(
            bars(
                [Figure("group:x", long_name, 0, {}), Figure("group:y", "Blanco", 0, {})],
                [],
                label="Grupos",
            )
        )
    shown = re.findall(r'text-anchor="end">([^<]*)</text>', svg)
    assert shown == [long_name[: LABEL_CHARS - 1].rstrip() + "…", "Blanco"]
    assert f"<g><title>{long_name}</title><text" in svg
    assert all(len(name) <= LABEL_CHARS for name in shown)
