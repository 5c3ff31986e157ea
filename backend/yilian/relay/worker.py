"""The outbox worker: sign, batch, submit, follow to confirmation; forever, surviving outages.

Everything it knows is in the database, so a restart (or a SIGKILL) resumes where it stopped.
"""

import logging
import threading
import time

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from web3.exceptions import Web3Exception

from yilian.relay import metrics
from yilian.relay.config import Settings
from yilian.relay.db.models import Attestation
from yilian.relay.services.chain import RelayChain
from yilian.relay.services.closing import close_abandoned
from yilian.relay.services.outbox import batch_due, sign_pending, submit_batch
from yilian.relay.services.tracking import track
from yilian.relay.services.transactions import Submitter

log = logging.getLogger(__name__)
# What an outage looks like from here: the node or the database not answering. Also a race
# lost to another replica on a unique key (both creating the first nonce cursor, so both
# allocating the same nonce): rolled back, and the next pass sees the winner's rows.
_TRANSIENT = (Web3Exception, OSError, OperationalError, IntegrityError, TimeoutError)


class OutboxWorker:
    def __init__(self, sessions: sessionmaker[Session], chain: RelayChain, settings: Settings) -> None:
        self.sessions = sessions
        self.chain = chain
        self.settings = settings
        self.submitter = Submitter(chain.w3, chain.submitter, settings)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._next_observation = 0.0
        self._next_sweep = 0.0

    def run_once(self) -> bool:
        """One pass; True when it signed or sent something (more may be waiting: no pause)."""
        if time.monotonic() >= self._next_sweep:  # sessions left open past their activity's end
            self._next_sweep = time.monotonic() + self.settings.abandoned_sweep_interval_s
            close_abandoned(self.sessions, self.chain, self.settings, int(time.time()))
        signed = sign_pending(self.sessions, self.chain)
        # Every due batch goes out now, each with its own nonce, without waiting for receipts:
        # several batches are in flight at once. The node is asked for fees and the mined nonce
        # once per pass, before any database lock.
        prepared, sent = None, 0
        while batch_due(self.sessions, self.settings, time.time()):
            prepared = prepared or self.submitter.prepare()
            if submit_batch(self.sessions, self.chain, self.submitter, self.settings, prepared) is None:
                break
            sent += 1
        track(self.sessions, self.chain, self.submitter, self.settings)
        if time.monotonic() >= self._next_observation:  # a full count of the outbox: once a second
            self._next_observation = time.monotonic() + 1.0
            self._observe_queue()
        return bool(signed or sent)

    def run_forever(self) -> None:
        failures = 0
        while not self._stop.is_set():
            try:
                busy = self.run_once()
                failures = 0
                if not busy:  # a burst is signed, sent and followed pass after pass, without pauses
                    self._stop.wait(self.settings.poll_interval_s)
            except _TRANSIENT as error:
                failures += 1
                metrics.WORKER_ERRORS.labels(type(error).__name__).inc()
                log.warning("outbox worker: %s; retrying", type(error).__name__)
                self._stop.wait(min(30.0, self.settings.poll_interval_s * 2**failures))

    def start(self) -> None:
        self.submitter.send_in_background()
        self._thread = threading.Thread(target=self.run_forever, name="outbox-worker", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self.submitter.stop_background()

    def _observe_queue(self) -> None:
        with self.sessions() as db:
            counts = db.execute(select(Attestation.status, func.count()).group_by(Attestation.status)).all()
        for status, count in counts:
            metrics.QUEUE_DEPTH.labels(status).set(count)


def wait_until_idle(worker: OutboxWorker, timeout_s: float) -> None:
    """Runs the worker until nothing is pending, signed or submitted (tests, benchmarks)."""
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        worker.run_once()
        with worker.sessions() as db:
            open_count = db.scalar(
                select(func.count()).where(Attestation.status.in_(("pending", "signed", "submitted")))
            )
        if not open_count:
            return
        time.sleep(worker.settings.poll_interval_s)
    raise TimeoutError("outbox still busy")
