"""One error hierarchy, mapped to HTTP responses and WebSocket error frames at the edge.

Messages are English source strings translated when rendered; ``params`` fill their
``%(name)s`` placeholders. Expected failures are never a 500.
"""

from __future__ import annotations

from typing import Any


class AppError(Exception):
    """An expected failure with a stable machine code and a human message."""

    code = "error"
    status = 400

    def __init__(
        self,
        message: str = "The request could not be processed.",
        *,
        field: str | None = None,
        code: str | None = None,
        **params: Any,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.params = params
        if code is not None:
            self.code = code

    def with_status(self, status: int) -> AppError:
        self.status = status
        return self


class Invalid(AppError):
    """Input that fails validation; ``field`` names the form field when there is one."""

    code = "invalid"
    status = 422


class NotAuthenticated(AppError):
    code = "not_authenticated"
    status = 401


class NotAllowed(AppError):
    code = "forbidden"
    status = 403


class NotFound(AppError):
    code = "not_found"
    status = 404


class Conflict(AppError):
    code = "conflict"
    status = 409


class TooManyRequests(AppError):
    code = "too_many_requests"
    status = 429

    def __init__(self, message: str, *, retry_after: int, **params: Any) -> None:
        super().__init__(message, retry_after=retry_after, **params)
        self.retry_after = retry_after


# Errors about what was typed into a form: the form is shown again with the message next
# to its field. Anything else (not logged in, not allowed) goes to the error handler.
FORM_ERRORS = (Invalid, Conflict, TooManyRequests)
