"""Domain errors: plain exceptions, mapped to HTTP in one place (core.app)."""

from __future__ import annotations

from collections.abc import Mapping

from core.rules import N_

# What a form with field errors says on top, in the reader's language (core.web translates it).
CORRECT_THE_FIELDS = N_("Please correct the marked fields.")


class DomainError(Exception):
    """Base of every error a person can understand and act upon."""

    status_code = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    status_code = 404


class PermissionDenied(DomainError):
    status_code = 403


class StateConflict(DomainError):
    """The action is valid in general but not now (deadline passed, wrong status)."""

    status_code = 409


class TooManyRequests(DomainError):
    status_code = 429

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ValidationFailed(DomainError):
    """Input that cannot be accepted; `errors` maps each field to what is wrong with it."""

    status_code = 422

    def __init__(self, errors: Mapping[str, str], message: str = CORRECT_THE_FIELDS) -> None:
        super().__init__(message)
        self.errors = dict(errors)


class BodyTooLarge(DomainError):
    """A request body beyond what its kind may hold; refused before it is parsed."""

    status_code = 413
