"""Students' responses to the items of an assessment, and the keys they are scored with."""
