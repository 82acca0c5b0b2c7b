"""Trackers: a teacher's students × standards, their stored mastery (rollups) and settings."""
