"""Errors the API turns into JSON with a stable `code`. Raised by services, mapped once at the edge."""

from typing import Any


class RelayError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, details: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details
        if code is not None:
            self.code = code


class NotFound(RelayError):
    status = 404
    code = "not_found"


class Conflict(RelayError):
    status = 409
    code = "conflict"


class Unprocessable(RelayError):
    status = 422
    code = "unprocessable"


class Forbidden(RelayError):
    status = 403
    code = "forbidden"


class ChainUnavailable(RelayError):
    """The chain did not answer, or did not include our transaction in time. Nothing was lost:
    a recorded transaction is still followed by the worker."""

    status = 503
    code = "chain_unavailable"


class ChainRejected(RelayError):
    """The contract refused the call (a custom-error revert): the request's values, not the chain's
    health. `details` carries the decoded error's name and values."""

    status = 409
    code = "chain_rejected"
