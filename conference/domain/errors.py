"""Domain errors carry a message a person can act on; the edges map them to HTTP/WS errors
(web/problems.py: problem documents; signalling: error frames)."""

from __future__ import annotations


class DomainError(Exception):
    """A rule refused something. `code` is stable for machines, `message` is for people;
    `title`, when given, is a short headline for the message (else the edge picks one from
    the kind of error)."""

    code = "domain_error"

    def __init__(self, message: str, *, field: str | None = None, title: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.title = title


class InvalidValue(DomainError):
    code = "invalid_value"


class Unreadable(DomainError):
    """The input cannot be read at all (not the expected encoding or format)."""

    code = "unreadable"


class NotAllowed(DomainError):
    code = "not_allowed"


class Conflict(DomainError):
    code = "conflict"


class NotFound(DomainError):
    code = "not_found"


class Unauthorized(DomainError):
    """Who is calling is not known: no credential, or one that is malformed, unknown or
    revoked."""

    code = "unauthorized"


class Forbidden(DomainError):
    """The caller is known, but may not do this."""

    code = "forbidden"
