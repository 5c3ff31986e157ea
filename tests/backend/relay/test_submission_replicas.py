"""Several relay replicas on one PostgreSQL database: outbox workers, each with its own engine
and chain connection, run at once. Rows are claimed with FOR UPDATE SKIP LOCKED and nonces come
from one locked cursor, so no attestation is put in two transactions and the chain never has
to reject a resubmission."""

import json
import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import delete
from sqlalchemy.orm import Session

from yilian.chain.eip712 import uid
from yilian.chain.transactions import as_hex
from yilian.relay.config import Settings
from yilian.relay.db.models import ChainTx, NonceCursor
from yilian.relay.db.session import make_engine, make_sessionmaker, transaction
from yilian.relay.services.chain import RelayChain
from yilian.relay.worker import OutboxWorker

from .conftest import Relay
from .harness import (
    attested,
    chain_txs,
    deployed_chain,
    queued_uids,
    rejections,
    statuses,
    wait_until,
)

REPLICAS = 2

pytestmark = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


@pytest.fixture(scope="module")
def relay_chain(tmp_path_factory):
    """A block a second: batches of both replicas are in flight together."""
    with deployed_chain(tmp_path_factory.mktemp("chain"), block_time=1) as deployed:
        yield deployed


def test_replicas_never_put_an_attestation_in_two_transactions(relay, face_provider):
    uids = queued_uids(relay, face_provider, volunteers=13, rounds=16)  # 208 attestations
    submitted = _run_replicas(relay, uids)
    print(f"\n{len(uids)} attestations; batches per replica: {[len(s) for s in submitted]}")
    assert all(submitted), "every replica took part"


def test_replicas_racing_for_the_first_nonce_both_keep_working(relay, face_provider):
    """On a database the submitter has never used, both replicas create the nonce cursor and
    pick the same first nonce; the loser's transaction is rolled back and it carries on."""
    uids = queued_uids(relay, face_provider, volunteers=10, rounds=4)  # two batches
    with transaction(relay.sessions) as session:
        session.execute(delete(NonceCursor))
    together = threading.Barrier(REPLICAS, timeout=30)
    lost_before = _lost_races()
    submitted = _run_replicas(relay, uids, before_first_batch=together.wait)
    print(f"\nraces lost {_lost_races() - lost_before}; batches per replica: {[len(s) for s in submitted]}")


def _lost_races() -> float:
    """Worker passes rolled back on a unique key (in this process, all tests so far)."""
    sample = REGISTRY.get_sample_value("yilian_worker_errors_total", {"kind": "IntegrityError"})
    return sample or 0.0


def _run_replicas(
    relay: Relay, uids: list[str], before_first_batch: Callable[[], object] = lambda: None
) -> list[list[int]]:
    """Runs the replicas' workers until every attestation is confirmed; checks each uid went
    into exactly one transaction and onto the chain once. Returns each replica's batch nonces."""
    since = relay.chain.w3.eth.block_number
    settings = relay.settings.model_copy(update={"batch_max_size": 20, "poll_interval_s": 0.05, "confirmations": 2})
    replicas = [_replica(settings) for _ in range(REPLICAS)]
    submitted = [_count_batches(replica, before_first_batch) for replica in replicas]
    threads = [threading.Thread(target=replica.run_forever) for replica in replicas]
    for thread in threads:
        thread.start()
    try:
        wait_until(lambda: _drained(relay, threads), 120, "the replicas done", interval_s=0.5)
    finally:
        for replica in replicas:
            replica.stop()
            replica.sessions.kw["bind"].dispose()
        for thread in threads:
            thread.join(10)

    batches = chain_txs(relay.sessions)  # the test's own database: this run's batches
    placed = Counter(uid for batch in batches for uid in _uids_in(relay, batch))
    assert placed == dict.fromkeys(uids, 1), "an attestation in two transactions"
    assert {batch.status for batch in batches} == {"confirmed"}
    assert statuses(relay.sessions) == {"confirmed": len(uids)}
    assert attested(relay.chain.ledger, since) == dict.fromkeys(uids, 1)
    assert rejections(relay.chain.ledger, since) == [], "a resubmission reached the chain"
    return submitted


def _replica(settings: Settings) -> OutboxWorker:
    """Another relay instance's worker: its own connection pool and its own chain connection."""
    sessions = make_sessionmaker(make_engine(settings.database_url))
    return OutboxWorker(sessions, RelayChain.from_settings(settings), settings)


def _count_batches(replica: OutboxWorker, before_first: Callable[[], object]) -> list[int]:
    """The nonces of the batches this replica records; `before_first` runs before its first."""
    nonces: list[int] = []
    record = replica.submitter.record
    first = True

    def counted(session: Session, **call: Any) -> ChainTx:
        nonlocal first
        if first:
            first = False
            before_first()
        row = record(session, **call)
        if row.kind == "attest_batch":
            nonces.append(row.nonce)
        return row

    replica.submitter.record = counted  # type: ignore[method-assign]
    return nonces


def _drained(relay: Relay, threads: list[threading.Thread]) -> bool:
    assert all(thread.is_alive() for thread in threads), "a replica's worker died"
    return set(statuses(relay.sessions)) == {"confirmed"}


def _uids_in(relay: Relay, batch: ChainTx) -> list[str]:
    """The attestations a batch transaction carries, decoded from its recorded calldata."""
    _, args = relay.chain.ledger.decode_function_input(json.loads(batch.call_json)["data"])
    return [as_hex(uid(item["volunteer"], item["activityId"], item["session"])) for item in args["items"]]
