"""Errors the API turns into JSON with a stable `code`. Raised by services, mapped once at the edge."""


class RelayError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
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
