"""Statistics for auditors and administrators, computed from the chain's events."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from yilian.relay.api.deps import ClockDep, SessionsDep, StatisticsDep, require
from yilian.relay.api.openapi import AUTHENTICATED
from yilian.relay.api.types import Day
from yilian.relay.db.models import ApiKey
from yilian.relay.services.errors import Unprocessable
from yilian.stats.period import Period

router = APIRouter(prefix="/v1", tags=["statistics"])


@router.get("/stats", responses=AUTHENTICATED)
def read_stats(
    sessions: SessionsDep, statistics: StatisticsDep, clock: ClockDep,
    _: Annotated[ApiKey, Depends(require("auditor"))],
    period_from: Annotated[Day | None, Query(alias="from", description="First day (China time)")] = None,
    period_to: Annotated[Day | None, Query(alias="to", description="Last day, included")] = None,
) -> dict[str, Any]:  # fmt: skip
    """Volunteers (registered, new, active), activities, sessions, hours, 益币 issued, redeemed
    and settled over the period, growth against the previous equal period in %, and the same by
    organisation and by category. Default period: the 30 days ending today."""
    try:
        period = Period.asked(period_from, period_to, now=clock())
    except (ValueError, OverflowError) as error:
        raise Unprocessable(str(error), code="invalid_period") from error
    return statistics.report(sessions, period)
