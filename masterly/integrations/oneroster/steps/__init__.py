"""One step per OneRoster file, run in the order references need (orgs first, enrollments last)."""
