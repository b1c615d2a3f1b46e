"""Every module that declares tables, so Alembic and tests see the whole schema.

Feature areas add their table module here (one line each)."""

from __future__ import annotations

import importlib

TABLE_MODULES = [
    "conference.store.tables",
]


def import_all_tables() -> None:
    for name in TABLE_MODULES:
        importlib.import_module(name)
