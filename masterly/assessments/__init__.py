"""Assessments, their alignment to standards, attempts, and evidence with its full history."""
