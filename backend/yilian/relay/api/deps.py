"""Dependencies of the routes; tests override them (clock, settings).

They are coroutines: FastAPI runs a plain-function dependency in its thread pool, a hand-off per
dependency per request that cost more than the dependencies' own work. Only a database read
(an API key not yet remembered) goes to the thread pool."""

import hashlib
import time
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials
from sqlalchemy.orm import Session, sessionmaker

from yilian.errors import UnsupportedMediaType
from yilian.relay.api.openapi import api_key_header, bearer
from yilian.relay.auth import find_api_key
from yilian.relay.config import Settings
from yilian.relay.db.models import ApiKey
from yilian.relay.services.chain import RelayChain
from yilian.relay.services.errors import Forbidden, Unauthorized
from yilian.relay.services.statistics import Statistics
from yilian.relay.services.transactions import Submitter


async def json_bodies_only(request: Request) -> None:
    """A body the relay would not read as JSON is refused as such, not as a puzzling 422."""
    if request.method not in ("POST", "PUT", "PATCH") or request.headers.get("content-length", "0") == "0":
        return
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/json" and not media_type.endswith("+json"):
        raise UnsupportedMediaType(f"send the body as application/json, not {media_type or 'no content type'!r}")


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_sessions(request: Request) -> sessionmaker[Session]:
    return request.app.state.sessions


async def get_chain(request: Request) -> RelayChain:
    return request.app.state.chain


async def get_submitter(request: Request) -> Submitter:
    return request.app.state.submitter


async def get_statistics(request: Request) -> Statistics:
    return request.app.state.statistics


async def get_clock() -> Callable[[], float]:
    return time.time


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionsDep = Annotated[sessionmaker[Session], Depends(get_sessions)]
ChainDep = Annotated[RelayChain, Depends(get_chain)]
SubmitterDep = Annotated[Submitter, Depends(get_submitter)]
StatisticsDep = Annotated[Statistics, Depends(get_statistics)]
ClockDep = Annotated[Callable[[], float], Depends(get_clock)]


def require(*roles: str) -> Callable[..., Awaitable[ApiKey]]:
    """A dependency that admits a valid API key with one of `roles` (admin is always admitted)."""

    async def dependency(
        sessions: SessionsDep,
        bearer_key: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)] = None,
        header_key: Annotated[str | None, Security(api_key_header)] = None,
    ) -> ApiKey:
        presented = header_key or (bearer_key.credentials.strip() if bearer_key else "")
        key = await _admitted_key(sessions, presented) if presented else None
        if key is None:
            raise Unauthorized("a valid API key is required (Authorization: Bearer …)")
        if key.role != "admin" and key.role not in roles:
            raise Forbidden(f"this needs the role {' or '.join(roles)}; the key has {key.role}", code="wrong_role")
        return key

    return dependency


# A key admitted is remembered this long per process: every check-in presents the app's key, and
# its lookup was a sixth of the request's database work. A key revoked meanwhile is refused by
# each process within this time; unknown and revoked keys are never remembered.
API_KEY_CACHE_S = 5.0
_admitted: dict[tuple[int, str], tuple[float, ApiKey]] = {}


async def _admitted_key(sessions: sessionmaker[Session], presented: str) -> ApiKey | None:
    cache_key = (id(sessions), hashlib.sha256(presented.encode()).hexdigest())
    now = time.monotonic()
    cached = _admitted.get(cache_key)
    if cached is not None and cached[0] > now:
        return cached[1]
    key = await run_in_threadpool(_look_up, sessions, presented)
    if key is not None:
        if len(_admitted) > 10_000:
            _admitted.clear()
        _admitted[cache_key] = (now + API_KEY_CACHE_S, key)
    return key


def _look_up(sessions: sessionmaker[Session], presented: str) -> ApiKey | None:
    with sessions() as db:
        return find_api_key(db, presented)
