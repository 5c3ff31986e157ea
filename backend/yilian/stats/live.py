"""The relay's statistics scan: kept in memory and advanced to the chain's head on each request,
so only the first request reads the whole history."""

from __future__ import annotations

import threading

from web3 import Web3

from yilian.audit.progress import Progress, ScanError
from yilian.audit.scanner import EventScanner
from yilian.chain.manifest import Manifest


class LiveScan:
    def __init__(self, w3: Web3, manifest: Manifest) -> None:
        self.scanner = EventScanner(w3, manifest)
        self._progress = Progress.begin(self.scanner)
        # One scan at a time: concurrent requests wait for it and then share its result.
        self._lock = threading.Lock()

    def current(self) -> Progress:
        with self._lock:
            try:
                self._advance()
            except ScanError:
                # The chain reorganised below what was read (Clique): read it all again.
                self._progress = Progress.begin(self.scanner)
                self._advance()
            return self._progress

    def _advance(self) -> None:
        self._progress.advance(self.scanner, self.scanner.head())
        self._progress.seal(self.scanner)
