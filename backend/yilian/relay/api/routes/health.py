"""Liveness of the relay's two dependencies, and Prometheus metrics."""

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from yilian.relay.api.deps import ChainDep, SessionsDep

router = APIRouter(tags=["operations"])


@router.get("/healthz")
def healthz(sessions: SessionsDep, chain: ChainDep) -> JSONResponse:
    """200 when the database and the chain (through any endpoint) answer, 503 otherwise, saying
    which. `endpoints`: each configured RPC node (credentials removed) with `active` (the one in
    use), `reachable`, `chain_id`, `block_number` and `error`; `status` is "degraded" as soon as
    one endpoint is down or serves another chain, even while the others carry the relay."""
    checks = {"database": _ok(lambda: _ping_database(sessions)), "chain": _ok(lambda: chain.w3.eth.block_number)}
    endpoints = chain.provider.health()
    healthy = all(checks.values())
    every_endpoint = all(endpoint["reachable"] and endpoint["error"] is None for endpoint in endpoints)
    status = "ok" if healthy and every_endpoint else "degraded"
    return JSONResponse({"status": status, **checks, "endpoints": endpoints}, status_code=200 if healthy else 503)


@router.get("/metrics")
def metrics() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


def _ping_database(sessions: SessionsDep) -> None:
    with sessions() as session:
        session.execute(text("SELECT 1"))


def _ok(probe) -> bool:  # type: ignore[no-untyped-def]
    try:
        probe()
    except Exception:  # noqa: BLE001 - any failure means "not reachable"
        return False
    return True
