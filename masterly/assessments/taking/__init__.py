"""Taking an assessment online: what a student's accommodations and allowances change."""
