"""Service by calendar month (China time), in one pass over the attestations: the charts of the
public statistics page. Like the period totals, service counts by check-in, revoked excluded."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date

from yilian.audit.state import ChainState
from yilian.stats.period import Period


@dataclass
class Month:
    month: str  # 2026-03
    sessions: int = 0
    minutes: int = 0
    new_volunteers: int = 0

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)


def month_starts(period: Period) -> list[date]:
    months, day = [], period.first.replace(day=1)
    while day <= period.last:
        months.append(day)
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return months


def monthly(state: ChainState, period: Period) -> list[Month]:
    starts = month_starts(period)
    bounds = [max(Period(first, first).start, period.start) for first in starts]
    months = [Month(f"{first:%Y-%m}") for first in starts]
    table = state.attestations
    for check_in, minutes, revoked in zip(table["check_in"], table["minutes"], table["revoked_block"], strict=True):
        if revoked or not period.start <= check_in < period.end:
            continue
        month = months[bisect_right(bounds, check_in) - 1]
        month.sessions += 1
        month.minutes += minutes
    for record in state.volunteers.values():
        if period.contains(record["registered_at"]):
            months[bisect_right(bounds, record["registered_at"]) - 1].new_volunteers += 1
    return months
