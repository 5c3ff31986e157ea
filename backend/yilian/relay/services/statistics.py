"""Statistics for auditors and administrators: the chain's events, scanned once per relay process
and advanced to the head on each request, with organisation names from the relay's database."""

import threading
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from yilian.audit.progress import Progress
from yilian.audit.relay_records import organisation_names
from yilian.relay.services.chain import RelayChain
from yilian.stats.live import LiveScan
from yilian.stats.period import Period
from yilian.stats.report import stats_report


class Statistics:
    def __init__(self, chain: RelayChain) -> None:
        self._chain = chain
        self._scan: LiveScan | None = None
        self._created = threading.Lock()

    def report(self, sessions: sessionmaker[Session], period: Period) -> dict[str, Any]:
        progress, names = self.current(sessions)
        return stats_report(progress.state, period, names, progress.last_block)

    def current(self, sessions: sessionmaker[Session]) -> tuple[Progress, dict[int, str]]:
        """The scan advanced to the chain's head, and the organisations' names."""
        progress = self._live_scan().current()  # no database session held while the chain is read
        with sessions() as db:
            return progress, organisation_names(db)

    def _live_scan(self) -> LiveScan:
        """Made on first use: the first request reads the history, not the relay's start-up."""
        with self._created:
            if self._scan is None:
                self._scan = LiveScan(self._chain.w3, self._chain.manifest)
        return self._scan
