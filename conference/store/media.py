"""Media tables: recordings and their hashes."""

from __future__ import annotations
