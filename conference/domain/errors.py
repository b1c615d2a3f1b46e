"""Domain errors carry a message a person can act on; the edges map them to HTTP/WS errors."""

from __future__ import annotations


class DomainError(Exception):
    """A rule refused something. `code` is stable for machines, `message` is for people."""

    code = "domain_error"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidValue(DomainError):
    code = "invalid_value"


class NotAllowed(DomainError):
    code = "not_allowed"


class Conflict(DomainError):
    code = "conflict"


class NotFound(DomainError):
    code = "not_found"
