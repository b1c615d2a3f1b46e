"""Every module that declares tables, so Alembic and tests see the whole schema.

Feature areas add their table module here (one line each)."""

from __future__ import annotations

import importlib

TABLE_MODULES = [
    "conference.store.tables",
    "conference.store.records",  # hearing event log (signalling)
    "conference.store.participant_links",  # join links and PINs (signalling + scheduling)
    "conference.store.scheduling",  # jobs, notices, deliveries
    "conference.store.media",  # recordings
    "conference.store.accounts",  # staff sessions, sign-in attempts (pages)
    "conference.store.busy",  # busy intervals per person and endpoint (scheduling)
]


def import_all_tables() -> None:
    for name in TABLE_MODULES:
        importlib.import_module(name)
