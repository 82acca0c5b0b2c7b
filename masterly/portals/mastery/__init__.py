"""The student and family portals' shared Mastery View (ADR: one view, framed per audience)."""
