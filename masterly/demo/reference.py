"""The reference data shipped inside Masterly (package data under ``masterly/demo/data``).

The demo, the tests and the benchmarks read Common Core math and its learning progressions
from here, so a clone or an installed copy needs nothing beside it. Licences and attribution
sit beside the files (``data/README.md``).
"""

from __future__ import annotations

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
CCSS_MATH_CASE = DATA_DIR / "case" / "ccss-math.json"
"""Common Core State Standards for Mathematics as a CASE 1.0 package."""
CCSS_MATH_PROGRESSIONS = DATA_DIR / "ccssm" / "ccssm-dependencies.csv"
"""Learning-progression edges between Common Core math standards (codes, CSV)."""
