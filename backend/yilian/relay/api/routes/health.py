"""Liveness of the relay's two dependencies, and Prometheus metrics."""

import time
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel
from sqlalchemy import text

from yilian.relay.api.deps import ChainDep, SessionsDep

router = APIRouter(tags=["operations"])

# One probe serves the /healthz answers of this long: a load balancer or monitor polling hard must
# not become a stream of RPC calls to every node (three per poll) and database round trips.
HEALTH_TTL_S = 1.0


class HealthOut(BaseModel):
    status: str
    database: bool
    chain: bool


@router.get("/healthz", response_model=HealthOut, responses={503: {"model": HealthOut, "description": "degraded"}})
def healthz(request: Request, sessions: SessionsDep, chain: ChainDep) -> JSONResponse:
    """200 when the database and the chain (through any endpoint) answer, 503 otherwise, saying
    which. `endpoints`: each configured RPC node (credentials removed) with `active` (the one in
    use), `reachable`, `chain_id`, `block_number` and `error`; `status` is "degraded" as soon as
    one endpoint is down or serves another chain, even while the others carry the relay. The
    answer is at most a second old: one probe serves the polls in between."""
    state = request.app.state
    answer: tuple[float, int, dict[str, Any]] | None = getattr(state, "health", None)
    if answer is None or answer[0] <= time.monotonic():
        status_code, body = _probe(sessions, chain)
        answer = state.health = (time.monotonic() + HEALTH_TTL_S, status_code, body)
    return JSONResponse(answer[2], status_code=answer[1])


def _probe(sessions: SessionsDep, chain: ChainDep) -> tuple[int, dict[str, Any]]:
    checks = {"database": _ok(lambda: _ping_database(sessions)), "chain": _ok(lambda: chain.w3.eth.block_number)}
    endpoints = chain.provider.health()
    healthy = all(checks.values())
    every_endpoint = all(endpoint["reachable"] and endpoint["error"] is None for endpoint in endpoints)
    status = "ok" if healthy and every_endpoint else "degraded"
    return 200 if healthy else 503, {"status": status, **checks, "endpoints": endpoints}


@router.get("/metrics", response_class=PlainTextResponse)
def metrics() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


def _ping_database(sessions: SessionsDep) -> None:
    with sessions() as db:
        db.execute(text("SELECT 1"))


def _ok(probe) -> bool:  # type: ignore[no-untyped-def]
    try:
        probe()
    except Exception:  # noqa: BLE001 - any failure means "not reachable"
        return False
    return True
