"""The ``mastery`` world (standards, two trackers sharing a student) for these tests."""

from tests.assessment_factories import mastery  # noqa: F401 - a fixture
