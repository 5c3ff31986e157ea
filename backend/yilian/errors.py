"""The project's refusals: a stable snake_case `code` for programs and a message for people.

No transport here: the relay's API maps each kind to an HTTP status (relay/api/errors.py), the
command-line tools print the message and exit with their code. Raised by services, the chain
helpers and the certificates alike.
"""

from typing import Any


class YilianError(Exception):
    """A request the project refuses; subclasses say what kind of refusal. `details`: per-field
    problems or the decoded contract error, for programs."""

    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, details: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details
        if code is not None:
            self.code = code


class Unauthorized(YilianError):
    code = "unauthorized"


class Forbidden(YilianError):
    code = "forbidden"


class NotFound(YilianError):
    code = "not_found"


class Conflict(YilianError):
    code = "conflict"


class Unprocessable(YilianError):
    code = "unprocessable"


class UnsupportedMediaType(YilianError):
    code = "unsupported_media_type"


class ChainRejected(Conflict):
    """The contract refused the call (a custom-error revert): the request's values, not the chain's
    health. `details` carries the decoded error's name and values."""

    code = "chain_rejected"


class RateLimited(YilianError):
    """Too many failed tries: refused until `retry_after` seconds have passed."""

    code = "too_many_attempts"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Unavailable(YilianError):
    """Not the caller's fault: something the project depends on is missing or did not answer."""

    code = "unavailable"


class ChainUnavailable(Unavailable):
    """The chain did not answer, or did not include our transaction in time. Nothing was lost:
    a recorded transaction is still followed by the worker."""

    code = "chain_unavailable"
