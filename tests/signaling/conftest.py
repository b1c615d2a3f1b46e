"""Signalling tests run on SQLite by default (fast); the record tests run on both databases
(tests/signaling/test_record.py overrides db_url again)."""

from __future__ import annotations

import pytest


@pytest.fixture
def db_url(sqlite_url: str) -> str:
    return sqlite_url
