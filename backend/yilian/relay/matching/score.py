"""The matching score, documented (README "Needs and resources"):

hard filters: every required skill held, with its certificate valid until the need ends; the need
within the volunteer's travel radius; some of the need's time inside the volunteer's weekly
availability; the need's language spoken; no assignment overlapping the need's time.

score = 0.4 × nearness + 0.4 × availability + 0.2 × reliability, each in [0, 1]:
nearness = 1 − distance / travel radius; availability = share of the need's time inside the
volunteer's weekly windows; reliability = (attended + 1) / (attended + no-shows + 2), attendance
from check-ins and recorded no-shows (a newcomer starts at 0.5).
"""

from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np

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
        return float(reliability(np.asarray(self.attended), np.asarray(self.no_shows)))

    @property
    def score(self) -> float:
        parts = (self.distance_m, self.travel_radius_m, self.availability, self.attended, self.no_shows)
        return float(scores(*(np.asarray(part) for part in parts)))

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


def reliability(attended: np.ndarray, no_shows: np.ndarray) -> np.ndarray:
    return (attended + 1) / (attended + no_shows + 2)


def scores(
    distance: np.ndarray, reach: np.ndarray, share: np.ndarray, attended: np.ndarray, no_shows: np.ndarray
) -> np.ndarray:
    """The score of each candidate (one formula for one fit and for a whole pool)."""
    nearness = np.where(reach > 0, 1 - distance / np.where(reach > 0, reach, 1.0), 0.0)
    near, free, reliable = WEIGHTS
    return np.round(near * np.maximum(0.0, nearness) + free * share + reliable * reliability(attended, no_shows), 6)


def week_segments(starts_at: int, ends_at: int) -> tuple[list[tuple[int, int]], int]:
    """[starts_at, ends_at) as ranges of minutes of the week (CST; two when it wraps past Sunday
    midnight), and its length in minutes (at least 1, at most a week)."""
    length = min(max(1, (ends_at - starts_at) // 60), WEEK_MINUTES)
    cursor = ((starts_at + CST_OFFSET_S) // 60 - 4 * 24 * 60) % WEEK_MINUTES  # 1970-01-01 was a Thursday
    segments, remaining = [], length
    while remaining > 0:
        end = min(WEEK_MINUTES, cursor + remaining)
        segments.append((cursor, end))
        remaining -= end - cursor
        cursor = 0
    return segments, length


def availability(
    starts_at: int, ends_at: int, owners: np.ndarray, starts: np.ndarray, ends: np.ndarray, count: int
) -> np.ndarray:
    """For each of `count` volunteers, the share of [starts_at, ends_at) inside their weekly
    windows: window k is volunteer `owners[k]`'s, minutes of the week [starts[k], ends[k]), CST."""
    segments, length = week_segments(starts_at, ends_at)
    covered = np.zeros(count)
    for start, end in segments:
        overlap = np.maximum(0, np.minimum(end, ends) - np.maximum(start, starts))
        covered += np.bincount(owners, weights=overlap, minlength=count)
    return np.minimum(1.0, covered / length)


def _day(unix: int) -> str:
    return datetime.fromtimestamp(unix, UTC).date().isoformat()
