"""Staff accounts for the pages: sessions and sign-in attempts."""

from __future__ import annotations
