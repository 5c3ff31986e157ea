"""One JSON error shape for everything the relay answers, the framework's own refusals included:
{"code": stable_machine_code, "message": human text, "details": [per-field problems]?}."""

import logging
from typing import Any

import requests
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException
from web3.exceptions import ContractLogicError, Web3Exception, Web3ValidationError

from yilian.errors import (
    Conflict,
    Forbidden,
    NotFound,
    RateLimited,
    Unauthorized,
    Unavailable,
    Unprocessable,
    UnsupportedMediaType,
    YilianError,
)
from yilian.relay.services.chain_calls import rejection
from yilian.relay.verification import CheckInRejected

log = logging.getLogger(__name__)

# The only place refusals meet HTTP: each kind of refusal (and its subclasses) gets one status.
HTTP_STATUS: dict[type[YilianError], int] = {
    YilianError: 400,
    Unauthorized: 401,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
    UnsupportedMediaType: 415,
    Unprocessable: 422,
    RateLimited: 429,
    Unavailable: 503,
}


def http_status(error: YilianError) -> int:
    return next(HTTP_STATUS[kind] for kind in type(error).__mro__ if kind in HTTP_STATUS)


# pydantic's error types → the relay's stable field codes (docs/api-errors.md lists them).
_FIELD_CODES = {
    "missing": "missing",
    "greater_than": "out_of_range",
    "greater_than_equal": "out_of_range",
    "less_than": "out_of_range",
    "less_than_equal": "out_of_range",
    "finite_number": "out_of_range",
    "string_too_long": "too_long",
    "too_long": "too_long",
    "string_too_short": "too_short",
    "too_short": "too_short",
    "string_pattern_mismatch": "invalid_format",
    "literal_error": "invalid_choice",
    "enum": "invalid_choice",
    "extra_forbidden": "unexpected_field",
    "json_invalid": "invalid_json",
}
_HTTP_CODES = {404: "not_found", 405: "method_not_allowed", 415: "unsupported_media_type", 400: "invalid_json"}


def error_body(code: str, message: str, details: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": message}
    if details:
        body["details"] = details
    return body


def field_code(error_type: str) -> str:
    if error_type in _FIELD_CODES:
        return _FIELD_CODES[error_type]
    if error_type.endswith(("_type", "_parsing")) or error_type in ("model_attributes_type", "dict_type"):
        return "invalid_type"
    return "invalid_value"


def field_details(error: RequestValidationError) -> list[dict[str, Any]]:
    return [
        {
            "loc": [part if isinstance(part, int) else str(part) for part in problem.get("loc", ())],
            "code": field_code(problem.get("type", "")),
            "message": str(problem.get("msg", "invalid value")),
        }
        for problem in error.errors()
    ]


def _respond(status: int, code: str, message: str, details: list[dict[str, Any]] | None = None) -> JSONResponse:
    return JSONResponse(error_body(code, message, details), status_code=status)


def install(app: FastAPI) -> None:
    """The client's mistakes and refusals as 4xx; the rest in `_install_failures`."""
    _install_failures(app)

    @app.exception_handler(YilianError)
    async def refused(_: Request, error: YilianError) -> JSONResponse:
        answer = _respond(http_status(error), error.code, error.message, error.details)
        if (retry_after := getattr(error, "retry_after", None)) is not None:  # 429 too_many_attempts
            answer.headers["Retry-After"] = str(retry_after)
        return answer

    @app.exception_handler(CheckInRejected)
    async def check_in_rejected(_: Request, error: CheckInRejected) -> JSONResponse:
        return _respond(422, error.code, error.message)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, error: RequestValidationError) -> JSONResponse:
        details = field_details(error)
        if any(detail["code"] == "invalid_json" for detail in details):
            return _respond(422, "invalid_json", "the body is not valid JSON", details)
        first = details[0] if details else {"loc": [], "message": "invalid request"}
        where = ".".join(str(part) for part in first["loc"])
        return _respond(422, "invalid_request", f"{where}: {first['message']}", details)

    @app.exception_handler(HTTPException)
    async def http_error(_: Request, error: HTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(error.status_code, "bad_request" if error.status_code < 500 else "internal_error")
        if code == "invalid_json":  # the framework's 400 for a body that is not UTF-8: as any bad JSON
            return _respond(422, code, "the body is not valid JSON (UTF-8)")
        return JSONResponse(error_body(code, str(error.detail)), status_code=error.status_code, headers=error.headers)


def _install_failures(app: FastAPI) -> None:
    """A value only the contract's types refuse, the contract's own refusals, and what is not the
    client's doing: the chain or database not answering (503), the relay failing (500)."""

    @app.exception_handler(Web3ValidationError)
    async def unencodable(_: Request, error: Web3ValidationError) -> JSONResponse:
        # The input passed the API's bounds but not the contract's ABI types: the client's value.
        return _respond(422, "invalid_chain_argument", "a value does not fit the contract's types")

    @app.exception_handler(ContractLogicError)
    async def contract_refused(request: Request, error: ContractLogicError) -> JSONResponse:
        chain = request.app.state.chain
        refused = rejection(error, [*chain.registry.abi, *chain.ledger.abi, *chain.yicoin.abi, *chain.alliance.abi])
        return _respond(http_status(refused), refused.code, refused.message, refused.details)

    @app.exception_handler(Web3Exception)
    async def chain_error(_: Request, error: Web3Exception) -> JSONResponse:
        log.warning("chain call failed: %s", type(error).__name__)  # raw RPC text stays out of answers
        return _respond(503, "chain_unavailable", "the chain did not answer")

    @app.exception_handler(requests.RequestException)
    async def chain_unreachable(_: Request, error: requests.RequestException) -> JSONResponse:
        log.warning("chain unreachable: %s", type(error).__name__)
        return _respond(503, "chain_unavailable", "the chain did not answer")

    @app.exception_handler(OperationalError)
    async def database_error(_: Request, error: OperationalError) -> JSONResponse:
        return _respond(503, "database_unavailable", "the database did not answer")

    @app.exception_handler(Exception)
    async def internal_error(request: Request, error: Exception) -> JSONResponse:
        log.exception("unhandled error in %s %s", request.method, request.url.path)
        return _respond(500, "internal_error", "the relay failed; the error is logged")
