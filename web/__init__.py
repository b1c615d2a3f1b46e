"""The HTTP edge: aiohttp app factory, REST API v1, pages, CLI."""
