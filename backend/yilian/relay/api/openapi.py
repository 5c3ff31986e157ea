"""What the OpenAPI document promises besides the happy path: the error envelope, which statuses
each kind of operation can answer, and the two ways to present an API key."""

from typing import Any

from fastapi.security import APIKeyHeader, HTTPBearer
from pydantic import BaseModel, Field

bearer = HTTPBearer(auto_error=False, description="The API key: `Authorization: Bearer <key>`")
api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="The API key, as a header of its own")


class ErrorDetail(BaseModel):
    loc: list[str | int] = Field(default_factory=list, description='Where: ["body", "geofence", "radius_m"]')
    code: str = Field(description="`missing`, `out_of_range`, `too_long`, `invalid_type`, … or a contract error")
    message: str
    values: dict[str, str] | None = Field(None, description="A contract error's values, as decimal strings")


class ErrorOut(BaseModel):
    """Every error the relay answers, whatever its status (docs/api-errors.md lists the codes)."""

    code: str = Field(description="Stable, snake_case: what a client program branches on")
    message: str = Field(description="For people; may change")
    details: list[ErrorDetail] | None = Field(None, description="Per-field problems, or the contract's refusal")


_MEANING = {
    401: "No valid API key",
    403: "The key's role may not do this (`wrong_role`)",
    404: "The resource does not exist",
    409: "Conflicts with the current state, or the contract refused the values (`chain_rejected`)",
    415: "The body is not `application/json` (`unsupported_media_type`)",
    422: "A value is out of bounds or breaks a rule; `details` names each field",
    429: "Too many failed attempts (`too_many_attempts`); see `Retry-After`",
    500: "The relay failed (`internal_error`); logged, nothing internal is shown",
    503: "The chain or the database did not answer (`chain_unavailable`, `database_unavailable`)",
}


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` entries for these statuses, each with the error envelope."""
    return {status: {"model": ErrorOut, "description": _MEANING[status]} for status in statuses}


EVERY_OPERATION = problems(422, 500, 503)  # bounds, the relay's own failure, its dependencies
AUTHENTICATED = problems(401, 403)
READ_ONE = problems(401, 403, 404)
CHAIN_WRITE = problems(401, 403, 404, 409, 415)
CHECK_IN = problems(401, 403, 404, 409, 415, 429)  # a wrong code or face counts towards a lock-out
# The journey's, the time bank's and the organisations' routes: every refusal a keyed route can give.
KEYED_DOMAIN = problems(401, 403, 404, 409, 415)
JSON_READ = problems(401, 403, 415)  # a POST that only reads (certificate verification)
