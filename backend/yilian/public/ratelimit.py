"""Per-client request budget of the public pages: each verification reads the chain, so one
client must not make the relay do that without bound."""

from __future__ import annotations

import math
import threading
from collections import deque

WINDOW_S = 60.0
MAX_CLIENTS = 100_000  # past this many tracked addresses, forget them all (memory bound)


class RateLimiter:
    """At most `per_minute` requests per client in any 60 s; per process (each replica counts
    its own: a limit to stop abuse, not an exact quota)."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def retry_after(self, client: str, now: float) -> int | None:
        """None if the request may go ahead (and counts it); else seconds until it may."""
        with self._lock:
            if len(self._seen) > MAX_CLIENTS:
                self._seen.clear()
            times = self._seen.setdefault(client, deque())
            while times and times[0] <= now - WINDOW_S:
                times.popleft()
            if len(times) >= self.per_minute:
                return max(1, math.ceil(times[0] + WINDOW_S - now))
            times.append(now)
            return None
