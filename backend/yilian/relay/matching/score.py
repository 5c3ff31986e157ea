"""The matching score, documented (README "Needs and resources"):

hard filters: every required skill held, with its certificate valid until the need ends; the need
within the volunteer's travel radius; some of the need's time inside the volunteer's weekly
availability; the need's language spoken; no assignment overlapping the need's time.

score = 0.4 × nearness + 0.4 × availability + 0.2 × reliability, each in [0, 1]:
nearness = 1 − distance / travel radius; availability = share of the need's time inside the
volunteer's weekly windows; reliability = (attended + 1) / (attended + no-shows + 2), attendance
from check-ins and recorded no-shows (a newcomer starts at 0.5).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

WEIGHTS = (0.4, 0.4, 0.2)  # nearness, availability, reliability
WEEK_MINUTES = 7 * 24 * 60
CST_OFFSET_S = 8 * 3600  # weekly windows are in China Standard Time


@dataclass(frozen=True)
class Fit:
    volunteer_id: int
    app_user_id: str
    distance_m: float
    travel_radius_m: float
    availability: float
    attended: int
    no_shows: int
    certificates: dict[str, int | None]  # required skill → certified until (None: no certificate needed)

    @property
    def reliability(self) -> float:
        return (self.attended + 1) / (self.attended + self.no_shows + 2)

    @property
    def score(self) -> float:
        nearness = 1 - self.distance_m / self.travel_radius_m if self.travel_radius_m else 0.0
        parts = (max(0.0, nearness), self.availability, self.reliability)
        return round(sum(weight * part for weight, part in zip(WEIGHTS, parts, strict=True)), 6)

    def reasons(self) -> list[str]:
        held = [
            f"{skill} (certified until {_day(until)})" if until else skill
            for skill, until in sorted(self.certificates.items())
        ]
        return [
            *([f"has {', '.join(held)}"] if held else []),
            f"{self.distance_m / 1000:.1f} km away, travels up to {self.travel_radius_m / 1000:.1f} km",
            f"free for {self.availability:.0%} of the need's time",
            f"reliability {self.reliability:.2f}: {self.attended} attended, {self.no_shows} no-shows",
        ]


def availability(starts_at: int, ends_at: int, windows: Sequence[tuple[int, int]]) -> float:
    """Share of [starts_at, ends_at) inside the weekly windows (minute-of-week ranges, CST)."""
    length = max(1, (ends_at - starts_at) // 60)
    start = ((starts_at + CST_OFFSET_S) // 60 - 4 * 24 * 60) % WEEK_MINUTES  # 1970-01-01 was a Thursday
    segments, remaining, cursor = [], min(length, WEEK_MINUTES), start
    while remaining > 0:
        end = min(WEEK_MINUTES, cursor + remaining)
        segments.append((cursor, end))
        remaining -= end - cursor
        cursor = 0
    covered = sum(max(0, min(e, we) - max(s, ws)) for s, e in segments for ws, we in windows)
    return min(1.0, covered / min(length, WEEK_MINUTES))


def _day(unix: int) -> str:
    return datetime.fromtimestamp(unix, UTC).date().isoformat()
