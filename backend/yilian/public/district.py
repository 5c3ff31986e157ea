"""The civil-affairs office's public statistics page: district aggregates only.

Access: public, no key. It shows totals and breakdowns by month, category and organisation
(organisation names are public), derived from the chain's events — a subset of what the
auditor's /v1/stats shows, and nothing about any one volunteer.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from yilian.audit.state import ChainState
from yilian.stats.monthly import Month, monthly
from yilian.stats.period import Period, day_of
from yilian.stats.report import stats_report

YEAR_DAYS = 365
HEADLINES = (("registered_volunteers", "注册志愿者"), ("active_volunteers", "参与服务的志愿者"),
             ("activities", "开展活动"), ("sessions", "服务人次"), ("hours", "服务时长（小时）"))  # fmt: skip


def district_period(now: float) -> Period:
    """The twelve months ending today: what the page shows, compared with the twelve before."""
    today = day_of(int(now))
    return Period(today - timedelta(days=YEAR_DAYS - 1), today)


def district_figures(state: ChainState, names: Mapping[int, str], last_block: int, now: float) -> dict[str, Any]:
    period = district_period(now)
    report = stats_report(state, period, names, last_block)
    months = monthly(state, period)
    totals, growth = report["totals"], report["growth_percent"]
    return {
        "period": report["period"],
        "as_of_block": last_block,
        "headlines": [
            {"key": key, "label": label, "value": totals[key], "growth_percent": growth.get(key, growth.get("minutes"))}
            for key, label in HEADLINES
        ],
        "by_month": [_month(m) for m in months],
        "by_category": [_group(f"类别 {g['category']}", g) for g in report["by_category"]],
        "by_organisation": [_group(g["name"] or f"组织 {g['organisation_id']}", g) for g in report["by_organisation"]],
    }


def _month(month: Month) -> dict[str, Any]:
    return {"label": month.month, "hours": month.hours, "sessions": month.sessions,
            "new_volunteers": month.new_volunteers}  # fmt: skip


def _group(label: str, group: Mapping[str, Any]) -> dict[str, Any]:
    return {"label": label, "hours": group["hours"], "sessions": group["sessions"],
            "activities": group["activities"], "volunteers": group["volunteers"]}  # fmt: skip
