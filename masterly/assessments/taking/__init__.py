"""Taking assessments online."""
