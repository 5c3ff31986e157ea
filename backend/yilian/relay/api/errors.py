"""One JSON error shape for every failure: {"code": stable_machine_code, "message": human text}."""

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from web3.exceptions import Web3Exception

from yilian.errors import (
    Conflict,
    Forbidden,
    NotFound,
    RateLimited,
    Unauthorized,
    Unavailable,
    Unprocessable,
    YilianError,
)
from yilian.relay.verification import CheckInRejected

# The only place refusals meet HTTP: each kind of refusal (and its subclasses) gets one status.
HTTP_STATUS: dict[type[YilianError], int] = {
    YilianError: 400,
    Unauthorized: 401,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
    Unprocessable: 422,
    RateLimited: 429,
    Unavailable: 503,
}


def http_status(error: YilianError) -> int:
    return next(HTTP_STATUS[kind] for kind in type(error).__mro__ if kind in HTTP_STATUS)


def error_body(code: str, message: str) -> dict[str, str]:
    return {"code": code, "message": message}


def install(app: FastAPI) -> None:
    @app.exception_handler(YilianError)
    async def refused(_: Request, error: YilianError) -> JSONResponse:
        retry_after = getattr(error, "retry_after", None)  # 429 too_many_attempts
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
        return JSONResponse(error_body(error.code, error.message), status_code=http_status(error), headers=headers)

    @app.exception_handler(CheckInRejected)
    async def check_in_rejected(_: Request, error: CheckInRejected) -> JSONResponse:
        return JSONResponse(error_body(error.code, error.message), status_code=422)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, error: RequestValidationError) -> JSONResponse:
        first = error.errors()[0] if error.errors() else {}
        where = ".".join(str(part) for part in first.get("loc", ()))
        return JSONResponse(
            error_body("invalid_request", f"{where}: {first.get('msg', 'invalid request')}"), status_code=422
        )

    @app.exception_handler(Web3Exception)
    async def chain_error(_: Request, error: Web3Exception) -> JSONResponse:
        # Raw RPC text stays in the logs; clients get a stable code.
        return JSONResponse(error_body("chain_unavailable", "the chain did not answer"), status_code=503)

    @app.exception_handler(OperationalError)
    async def database_error(_: Request, error: OperationalError) -> JSONResponse:
        return JSONResponse(error_body("database_unavailable", "the database did not answer"), status_code=503)
