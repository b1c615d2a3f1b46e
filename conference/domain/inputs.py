"""The base of every input shape (API bodies and queries, imported rows): unknown fields are
refused, because a typo must not be silently ignored."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
