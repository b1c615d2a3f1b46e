"""Shared fixtures live in tests/fixtures/; each feature area registers its module here."""

pytest_plugins = [
    "tests.fixtures.servers",
    "tests.fixtures.database",
    "tests.fixtures.app",
    "tests.fixtures.signaling",
    "tests.fixtures.scheduling",
    "tests.fixtures.media",
    "tests.fixtures.browser",
    "tests.fixtures.live_api",
]
