"""Composing assessments from the item bank: sections, placed items, shuffling, blueprint."""
