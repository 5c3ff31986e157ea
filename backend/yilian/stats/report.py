"""The statistics report: a period, the previous equal period, growth, and the breakdowns with
the relay's names attached."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from yilian.audit.state import ChainState
from yilian.stats.aggregate import Group, PeriodTotals, growth, period_totals
from yilian.stats.period import Period

GROWTH_OF = (
    "registered_volunteers", "new_volunteers", "active_volunteers", "activities", "sessions",
    "minutes", "yicoin_issued", "yicoin_redeemed", "yicoin_settled",
)  # fmt: skip


def _groups(
    current: dict[int, Group], previous: dict[int, Group], key: str, names: Mapping[int, str] | None
) -> list[dict[str, Any]]:
    rows = []
    for group_id in sorted(set(current) | set(previous)):
        now, before = current.get(group_id, Group()), previous.get(group_id, Group())
        row: dict[str, Any] = {key: group_id}
        if names is not None:
            row["name"] = names.get(group_id)
        rows.append({
            **row, **asdict(now), "hours": round(now.minutes / 60, 2),
            "minutes_growth_percent": growth(now.minutes, before.minutes),
        })  # fmt: skip
    return rows


def _totals(totals: PeriodTotals) -> dict[str, Any]:
    data = totals.to_dict()
    del data["by_organisation"], data["by_category"]
    return data


def stats_report(
    state: ChainState, period: Period, organisation_names: Mapping[int, str], as_of_block: int
) -> dict[str, Any]:
    """`organisation_names`: from the relay; an organisation it does not know gets name None."""
    previous_period = period.previous()
    current, previous = period_totals(state, period), period_totals(state, previous_period)
    return {
        "period": {"from": period.first.isoformat(), "to": period.last.isoformat(), "days": period.days},
        "previous_period": {"from": previous_period.first.isoformat(), "to": previous_period.last.isoformat()},
        "as_of_block": as_of_block,
        "totals": _totals(current),
        "previous_totals": _totals(previous),
        "growth_percent": {name: growth(getattr(current, name), getattr(previous, name)) for name in GROWTH_OF},
        "by_organisation": _groups(
            current.by_organisation, previous.by_organisation, "organisation_id", organisation_names
        ),
        "by_category": _groups(current.by_category, previous.by_category, "category", None),
    }
