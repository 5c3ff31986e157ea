"""Calendar periods in China Standard Time, as volunteers, organisers and auditors count days.

China has kept UTC+8 without daylight saving since 1991, so a fixed offset is exact and needs no
time-zone database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

CHINA = timezone(timedelta(hours=8), "CST")


def day_of(timestamp: int) -> date:
    return datetime.fromtimestamp(timestamp, CHINA).date()


def moment(timestamp: int) -> str:
    """A timestamp as people read it in China: 2024-03-05 09:30."""
    return datetime.fromtimestamp(timestamp, CHINA).strftime("%Y-%m-%d %H:%M")


@dataclass(frozen=True)
class Period:
    """From the first day's midnight to the midnight after the last day (both days included)."""

    first: date
    last: date

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ValueError(f"the period ends ({self.last}) before it starts ({self.first})")

    @classmethod
    def asked(cls, first: date | None, last: date | None, *, now: float, days: int = 30) -> Period:
        """The period asked for; a missing end is today, a missing start `days` before it."""
        last = last or day_of(int(now))
        return cls(first or last - timedelta(days=days - 1), last)

    @property
    def start(self) -> int:
        return int(datetime.combine(self.first, time(), CHINA).timestamp())

    @property
    def end(self) -> int:
        """Exclusive: the first second after the period."""
        return int(datetime.combine(self.last + timedelta(days=1), time(), CHINA).timestamp())

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def contains(self, timestamp: int) -> bool:
        return self.start <= timestamp < self.end

    def previous(self) -> Period:
        """The equal period just before: what growth is measured against."""
        return Period(self.first - timedelta(days=self.days), self.first - timedelta(days=1))

    def __str__(self) -> str:
        return f"{self.first.isoformat()}/{self.last.isoformat()}"
