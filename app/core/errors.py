"""Typed errors whose message is shown to the official as it is, in Vietnamese."""

from __future__ import annotations


class DeskError(Exception):
    """Base of every refusal the desk explains to its user.

    `code` is stable for programs (sync results, tests); `message` is for people.
    """

    code = "desk_error"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code


class ValidationError(DeskError):
    code = "invalid"


class IdentityError(ValidationError):
    code = "invalid_identity"


class TransitionError(DeskError):
    code = "illegal_transition"


class NumberingError(DeskError):
    code = "numbering"


class NotFoundError(DeskError):
    code = "not_found"


class ConfigurationError(DeskError):
    code = "configuration"
