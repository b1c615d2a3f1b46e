"""REST API v1: each module declares its routes on an ApiRoutes table; see registry.py."""
