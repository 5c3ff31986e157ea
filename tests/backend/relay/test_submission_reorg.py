"""A block the relay saw leaves the chain (ganache's evm_revert: the block and its transactions
are gone, as on a Clique reorganisation). The relay does not count a batch confirmed before it is
`confirmations` deep; when its block disappears the batch is followed again: re-sent with its
nonce, or, if another transaction took that nonce on the new branch, its attestations go back to
the outbox. Each way every session ends on chain exactly once."""

from collections.abc import Iterator

import pytest

from yilian.chain.localchain import dev_private_key
from yilian.chain.transactions import Sender
from yilian.relay.db.models import ChainTx
from yilian.relay.worker import OutboxWorker, wait_until_idle

from .conftest import Relay
from .harness import (
    attestation_rows,
    attested,
    chain_txs,
    deployed_chain,
    mining_paused,
    queued_uids,
    rpc,
    worker_of,
)

DEPTH = 3
pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture(scope="module")
def relay_chain(tmp_path_factory) -> Iterator:  # type: ignore[no-untyped-def]
    with deployed_chain(tmp_path_factory.mktemp("chain")) as deployed:
        yield deployed


def _mined_then_reverted(relay: Relay, worker: OutboxWorker) -> ChainTx:
    """Submits the queued batch after a snapshot, sees it mined (not yet deep enough), and
    reverts the chain to the snapshot: the batch's block is gone."""
    w3 = relay.chain.w3
    snapshot = rpc(w3, "evm_snapshot")
    worker.run_once()  # submits; ganache mines at once
    worker.run_once()  # tracks: one block deep of DEPTH
    (batch,) = chain_txs(relay.sessions)[-1:]
    assert batch.status == "mined" and batch.block_number is not None
    response = w3.provider.make_request("evm_revert", [snapshot])  # type: ignore[arg-type]
    assert response.get("result") is True, response
    assert w3.eth.get_transaction_count(relay.chain.submitter.address) == batch.nonce, "the block is gone"
    return batch


def _until_confirmed(relay: Relay, worker: OutboxWorker) -> None:
    """Runs the worker, adding blocks (ganache mines only on demand) until the outbox is empty."""
    for _ in range(40):
        rpc(relay.chain.w3, "evm_mine")
        try:
            wait_until_idle(worker, timeout_s=0.5)
            return
        except TimeoutError:
            continue
    raise AssertionError("the outbox did not drain")


def test_a_batch_whose_block_disappears_is_sent_again_and_confirmed_once(relay, face_provider):
    uids = queued_uids(relay, face_provider, volunteers=3)
    since = relay.chain.w3.eth.block_number
    worker = worker_of(relay, confirmations=DEPTH)
    batch = _mined_then_reverted(relay, worker)
    with mining_paused(relay.chain.w3):
        worker.run_once()  # sees the block gone: the batch is followed as sent, and re-sent
        (seen,) = [row for row in chain_txs(relay.sessions) if row.id == batch.id]
        assert (seen.status, seen.block_number) == ("sent", None)

    _until_confirmed(relay, worker)

    (again,) = [row for row in chain_txs(relay.sessions) if row.id == batch.id]
    assert (again.status, again.nonce, again.tx_hash) == ("confirmed", batch.nonce, batch.tx_hash), "the same bytes"
    assert {row.status for row in attestation_rows(relay.sessions, uids).values()} == {"confirmed"}
    assert attested(relay.chain.ledger, since) == dict.fromkeys(uids, 1), "each session once"


def test_when_the_new_branch_used_the_nonce_the_items_go_back_to_the_outbox(relay, face_provider):
    uids = queued_uids(relay, face_provider, volunteers=3)
    since = relay.chain.w3.eth.block_number
    worker = worker_of(relay, confirmations=DEPTH)
    batch = _mined_then_reverted(relay, worker)
    w3 = relay.chain.w3
    # On the new branch the submitter's key sent something else with that nonce (an operator).
    Sender(w3, dev_private_key(0)).transact(relay.chain.registry.functions.organisationCount())

    _until_confirmed(relay, worker)

    rows = {row.id: row for row in chain_txs(relay.sessions)}
    assert rows[batch.id].status == "dropped"
    items = attestation_rows(relay.sessions, uids).values()
    assert {row.status for row in items} == {"confirmed"}
    assert {row.chain_tx_id for row in items} != {batch.id}, "resubmitted in a later batch"
    assert all(row.attempts == 2 for row in items)
    assert attested(relay.chain.ledger, since) == dict.fromkeys(uids, 1), "each session once"
