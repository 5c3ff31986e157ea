"""Statistics for auditors and administrators, computed from the chain's events."""

import threading
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from yilian.audit.relay_records import organisation_names
from yilian.relay.api.deps import ChainDep, ClockDep, SessionsDep, require
from yilian.relay.db.models import ApiKey
from yilian.relay.services.chain import RelayChain
from yilian.relay.services.errors import Unprocessable
from yilian.stats.live import LiveScan
from yilian.stats.period import Period
from yilian.stats.report import stats_report

router = APIRouter(prefix="/v1", tags=["statistics"])
_created = threading.Lock()


def live_scan(request: Request, chain: RelayChain) -> LiveScan:
    """One scan per application, made on first use (the app factory need not know about it)."""
    with _created:
        live = getattr(request.app.state, "stats_scan", None)
        if live is None:
            live = request.app.state.stats_scan = LiveScan(chain.w3, chain.manifest)
    return live


@router.get("/stats")
def read_stats(
    request: Request, sessions: SessionsDep, chain: ChainDep, clock: ClockDep,
    _: Annotated[ApiKey, Depends(require("auditor"))],
    period_from: Annotated[date | None, Query(alias="from", description="First day (China time)")] = None,
    period_to: Annotated[date | None, Query(alias="to", description="Last day, included")] = None,
) -> dict[str, Any]:  # fmt: skip
    """Volunteers (registered, new, active), activities, sessions, hours, 益币 issued, redeemed
    and settled over the period, growth against the previous equal period in %, and the same by
    organisation and by category. Default period: the 30 days ending today."""
    try:
        period = Period.asked(period_from, period_to, now=clock())
    except ValueError as error:
        raise Unprocessable(str(error), code="invalid_period") from error
    progress = live_scan(request, chain).current()
    with sessions() as session:
        names = organisation_names(session)
    return stats_report(progress.state, period, names, progress.last_block)
