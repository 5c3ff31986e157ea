"""The aggregation core: one period's numbers from the scan's columns, with no RPC and no SQL.

A million attestations are a column scan done by C-level builtins: the period test is
`map(range.__contains__)`, the selection `itertools.compress`, counts and distinct sets
`Counter` and `set`; only the per-activity minute sums loop in Python, over the period's rows.
Per-activity results are then rolled up to organisations and categories, which are few.

Service counts by when it happened (the session's check-in), not when its block was mined; 益币
redeemed and settled count by block time, since that is when they happened.
"""

from __future__ import annotations

import operator
from bisect import bisect_left
from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from itertools import compress
from typing import Any

from yilian.audit.state import ChainState
from yilian.stats.period import Period


@dataclass
class Group:
    """Service in one organisation or category."""

    activities: int = 0
    sessions: int = 0
    minutes: int = 0
    volunteers: int = 0


@dataclass
class PeriodTotals:
    registered_volunteers: int  # at the end of the period
    new_volunteers: int
    active_volunteers: int  # with standing service in the period
    activities: int  # with standing service in the period
    sessions: int
    minutes: int
    revoked_sessions: int
    yicoin_issued: int  # earned by the period's sessions, revoked ones included (base units)
    yicoin_redeemed: int
    yicoin_settled: int
    by_organisation: dict[int, Group] = field(default_factory=dict)
    by_category: dict[int, Group] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["hours"] = round(self.minutes / 60, 2)
        return data


def period_totals(state: ChainState, period: Period) -> PeriodTotals:
    table = state.attestations
    start, end = period.start, period.end
    # range.__contains__ on ints is O(1) and runs in C: the period test costs no Python frame.
    in_period = list(map(range(start, end).__contains__, table["check_in"]))
    standing = list(map(operator.and_, in_period, map(operator.not_, table["revoked_block"])))
    activity = list(compress(table["activity_id"], standing))
    minutes = list(compress(table["minutes"], standing))
    volunteers = list(compress(table["volunteer"], standing))

    minutes_by_activity: dict[int, int] = dict.fromkeys(activity, 0)
    for activity_id, served in zip(activity, minutes, strict=True):  # the one Python-level loop
        minutes_by_activity[activity_id] += served
    sessions_by_activity = Counter(activity)
    by_organisation, by_category = (
        _roll_up(state.activities, key, minutes_by_activity, sessions_by_activity, activity, volunteers)
        for key in ("organisation_id", "category")
    )
    registered = sorted(record["registered_at"] for record in state.volunteers.values())
    return PeriodTotals(
        registered_volunteers=bisect_left(registered, end),
        new_volunteers=bisect_left(registered, end) - bisect_left(registered, start),
        active_volunteers=len(set(volunteers)),
        activities=len(minutes_by_activity),
        sessions=len(minutes),
        minutes=sum(minutes),
        revoked_sessions=sum(in_period) - len(minutes),
        yicoin_issued=sum(compress(table["points"], in_period)),
        yicoin_redeemed=sum(r["amount"] for r in state.redemptions if start <= r["timestamp"] < end),
        yicoin_settled=sum(s["amount"] for s in state.settlements if start <= s["timestamp"] < end),
        by_organisation=by_organisation,
        by_category=by_category,
    )


def _roll_up(
    activities: Mapping[int, Mapping[str, Any]],
    key: str,
    minutes: Mapping[int, int],
    sessions: Mapping[int, int],
    activity_column: list[int],
    volunteer_column: list[str],
) -> dict[int, Group]:
    """Per-activity sums rolled up to `key` (organisation or category); distinct volunteers per
    group from the distinct (group, volunteer) pairs, built in C."""
    group_of = {activity_id: meta[key] for activity_id, meta in activities.items()}
    groups: dict[int, Group] = {}
    for activity_id, served in minutes.items():
        group = groups.setdefault(group_of[activity_id], Group())
        group.activities += 1
        group.sessions += sessions[activity_id]
        group.minutes += served
    pairs = set(zip(map(group_of.__getitem__, activity_column), volunteer_column, strict=True))
    for group_id, people in Counter(map(operator.itemgetter(0), pairs)).items():
        groups[group_id].volunteers = people
    return groups


def growth(current: int, previous: int) -> float | None:
    """Percent change; None when there is nothing to compare with."""
    return None if previous == 0 else round((current - previous) * 100 / previous, 1)
