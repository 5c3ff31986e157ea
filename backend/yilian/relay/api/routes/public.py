"""Public pages, no API key: a certificate's verification (where its QR code leads) and the
district's statistics. HTML for people, JSON for machines (`?format=json` or
`Accept: application/json`); every client IP gets `public_requests_per_minute` requests."""

import threading
import time
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from yilian.certificates.link import PUBLIC_PATH
from yilian.errors import RateLimited, YilianError
from yilian.public.certificate_check import check_certificate
from yilian.public.district import district_figures
from yilian.public.ratelimit import RateLimiter
from yilian.public.render import page
from yilian.relay.api.deps import ChainDep, ClockDep, SessionsDep, SettingsDep, StatisticsDep
from yilian.relay.api.errors import error_body, http_status
from yilian.relay.services.statistics import Statistics

router = APIRouter(tags=["public pages"])
STATS_CACHE_S = 60.0  # the page may be a minute behind the chain; the scan runs once a minute at most
_limiter_made = threading.Lock()

HashQuery = Annotated[str, Query(pattern=r"^0x[0-9a-fA-F]{64}$", description="The certificate's hash (keccak256)")]
FormatQuery = Annotated[Literal["html", "json"] | None, Query(description="json for machines")]


class TooManyRequests(RateLimited):
    code = "rate_limited"

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many requests from this address: try again in {retry_after} s", retry_after=retry_after)


def _wants_json(request: Request, format: str | None) -> bool:
    if format is not None:
        return format == "json"
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def _admit(request: Request, settings: SettingsDep) -> None:
    with _limiter_made:
        limiter = getattr(request.app.state, "public_limiter", None)
        if limiter is None:
            limiter = request.app.state.public_limiter = RateLimiter(settings.public_requests_per_minute)
    retry = limiter.retry_after(request.client.host if request.client else "unknown", time.monotonic())
    if retry is not None:
        raise TooManyRequests(retry)


def _answer(request: Request, format: str | None, template: str, data: dict[str, Any], **context: Any) -> Response:
    if _wants_json(request, format):
        return JSONResponse(data)
    return HTMLResponse(page(template, **context))


def _refusal(request: Request, format: str | None, error: YilianError) -> Response:
    headers = {"Retry-After": str(error.retry_after)} if isinstance(error, RateLimited) else None
    if _wants_json(request, format):
        return JSONResponse(error_body(error.code, error.message), status_code=http_status(error), headers=headers)
    title = "请求过于频繁" if isinstance(error, RateLimited) else "未找到该证明"
    html = page("message.html", title=title, message=f"{title}：{error.message}")
    return HTMLResponse(html, status_code=http_status(error), headers=headers)


@router.get(PUBLIC_PATH, response_class=HTMLResponse)
@router.get("/v1/certificates/verify", response_class=HTMLResponse, include_in_schema=False)  # early QR codes
def certificate_page(
    request: Request, number: str, hash: HashQuery, sessions: SessionsDep, chain: ChainDep,
    settings: SettingsDep, format: FormatQuery = None,
) -> Response:  # fmt: skip
    """The verdict on certificate `number` against the chain now: valid or not and why, issuer,
    masked name, sessions, hours, later revocations. 404 `certificate_not_found`; 429 + Retry-After."""
    try:
        _admit(request, settings)
        with sessions() as db:
            verdict = check_certificate(db, chain.w3, chain.manifest, number, hash)
    except YilianError as error:
        return _refusal(request, format, error)
    return _answer(request, format, "certificate.html", verdict.to_json(), v=verdict)


@router.get("/stats", response_class=HTMLResponse)
def statistics_page(
    request: Request, sessions: SessionsDep, statistics: StatisticsDep, settings: SettingsDep, clock: ClockDep,
    format: FormatQuery = None,
) -> Response:  # fmt: skip
    """District figures over the last twelve months (registered and active volunteers,
    activities, sessions, hours, growth) by month, category and organisation: aggregates only."""
    try:
        _admit(request, settings)
    except YilianError as error:
        return _refusal(request, format, error)
    figures = _cached_figures(request, sessions, statistics, clock)
    return _answer(request, format, "stats.html", figures, f=figures)


def _cached_figures(request: Request, sessions: SessionsDep, statistics: Statistics, clock: ClockDep) -> dict[str, Any]:
    cached = getattr(request.app.state, "public_stats", None)
    if cached is not None and cached[0] > time.monotonic():
        return cached[1]
    progress, names = statistics.current(sessions)
    figures = district_figures(progress.state, names, progress.last_block, clock())
    request.app.state.public_stats = (time.monotonic() + STATS_CACHE_S, figures)
    return figures
