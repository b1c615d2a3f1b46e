"""Shared fixtures live in tests/fixtures/; each feature area registers its module here."""

pytest_plugins = [
    "tests.fixtures.servers",
    "tests.fixtures.database",
    "tests.fixtures.app",
]
