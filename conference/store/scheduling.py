"""Scheduling tables: notices, their versions, deliveries and proof of service."""

from __future__ import annotations
