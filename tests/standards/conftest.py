from tests.case.case_packages import ccss  # noqa: F401 - a fixture
