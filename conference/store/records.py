"""The hearing record: the tamper-evident event log of each hearing."""

from __future__ import annotations
