"""The refusals services raise, from the project's vocabulary (`yilian.errors`); the API maps
each kind to an HTTP status once, at the edge (relay/api/errors.py)."""

from yilian.errors import (
    ChainRejected,
    ChainUnavailable,
    Conflict,
    Forbidden,
    NotFound,
    RateLimited,
    Unauthorized,
    Unavailable,
    Unprocessable,
)

__all__ = [
    "ChainRejected",
    "ChainUnavailable",
    "Conflict",
    "Forbidden",
    "NotFound",
    "RateLimited",
    "Unauthorized",
    "Unavailable",
    "Unprocessable",
]
