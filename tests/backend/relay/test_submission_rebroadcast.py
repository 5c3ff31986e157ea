"""What a crash between recording and broadcasting leaves, and what a node says about a
transaction it has seen before: "already known", "nonce too low".

- a batch recorded and committed but never broadcast is found and sent by the tracker;
- sending the same raw transaction again, pending or mined, is harmless;
- a recorded batch whose nonce someone else used is dropped, and its attestations are confirmed
  in a later batch.
"""

from typing import Any

from eth_account.signers.local import LocalAccount
from web3 import Web3

from yilian.chain.transactions import fee_fields
from yilian.relay.db.models import ChainTx
from yilian.relay.services.transactions import Submitter
from yilian.relay.worker import wait_until_idle

from .conftest import Relay
from .harness import (
    attestation_rows,
    attested,
    batch_recorded_not_sent,
    chain_txs,
    mining_paused,
    node_knows,
    queued_uids,
    rejections,
    worker_of,
)


def _batch_of(relay: Relay, chain_tx_id: int) -> ChainTx:
    return next(row for row in chain_txs(relay.sessions) if row.id == chain_tx_id)


def test_batch_recorded_but_never_broadcast_is_sent_by_the_tracker(relay, face_provider):
    uids = queued_uids(relay, face_provider, volunteers=2)
    since = relay.chain.w3.eth.block_number
    recorded = batch_recorded_not_sent(relay)
    assert recorded.status == "sent" and not node_knows(relay.chain.w3, recorded.tx_hash)

    wait_until_idle(worker_of(relay), timeout_s=30)  # a restarted relay's worker

    sent = _batch_of(relay, recorded.id)
    assert (sent.status, sent.tx_hash) == ("confirmed", recorded.tx_hash)
    rows = attestation_rows(relay.sessions, uids).values()
    assert {(row.status, row.chain_tx_id) for row in rows} == {("confirmed", recorded.id)}
    assert attested(relay.chain.ledger, since) == dict.fromkeys(uids, 1)


def test_broadcasting_the_same_raw_transaction_again_is_harmless(relay, face_provider):
    uids = queued_uids(relay, face_provider, volunteers=2)
    w3, since = relay.chain.w3, relay.chain.w3.eth.block_number
    recorded = batch_recorded_not_sent(relay)
    submitter = Submitter(w3, relay.chain.submitter, relay.settings)

    with mining_paused(w3):
        submitter.broadcast(recorded)
        submitter.broadcast(recorded)  # the node has it in its pool: "already known"
    assert w3.eth.wait_for_transaction_receipt(recorded.tx_hash, timeout=10)["status"] == 1
    submitter.broadcast(recorded)  # the node has mined it: "nonce too low"

    wait_until_idle(worker_of(relay), timeout_s=30)
    assert _batch_of(relay, recorded.id).status == "confirmed"
    assert {row.status for row in attestation_rows(relay.sessions, uids).values()} == {"confirmed"}
    assert attested(relay.chain.ledger, since) == dict.fromkeys(uids, 1)
    assert rejections(relay.chain.ledger, since) == []


def test_batch_whose_nonce_went_to_another_transaction_is_dropped_and_sent_again(relay, face_provider):
    uids = queued_uids(relay, face_provider, volunteers=2)
    w3, since = relay.chain.w3, relay.chain.w3.eth.block_number
    recorded = batch_recorded_not_sent(relay)
    _use_nonce(w3, relay.chain.submitter, recorded.nonce)  # an operator, with the same key
    worker = worker_of(relay)

    worker.run_once()  # the nonce counted and no receipt: seen once, the batch is left as it is
    assert _batch_of(relay, recorded.id).status == "sent"
    worker.run_once()  # seen again: taken
    assert _batch_of(relay, recorded.id).status == "dropped"
    rows = attestation_rows(relay.sessions, uids).values()
    assert {(row.status, row.chain_tx_id) for row in rows} == {("signed", None)}, "back in line"

    wait_until_idle(worker, timeout_s=30)
    rows = attestation_rows(relay.sessions, uids).values()
    assert {row.status for row in rows} == {"confirmed"}
    later = {row.chain_tx_id for row in rows}
    assert len(later) == 1 and later != {recorded.id}
    assert _batch_of(relay, later.pop()).nonce > recorded.nonce
    assert attested(relay.chain.ledger, since) == dict.fromkeys(uids, 1)
    assert rejections(relay.chain.ledger, since) == []


def _use_nonce(w3: Web3, account: LocalAccount, nonce: int) -> None:
    """A plain transfer to itself from the submitter's key, with this nonce, mined."""
    tx: dict[str, Any] = {
        "to": account.address,
        "value": 0,
        "gas": 21_000,
        "nonce": nonce,
        "chainId": w3.eth.chain_id,
        **fee_fields(w3),
    }
    tx_hash = w3.eth.send_raw_transaction(account.sign_transaction(tx).raw_transaction)
    assert w3.eth.wait_for_transaction_receipt(tx_hash, timeout=10)["status"] == 1
