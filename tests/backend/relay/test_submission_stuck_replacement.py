"""A batch stuck in the node's pool is signed again, same nonce, higher fee, and the attestations
are confirmed exactly once whichever of the two is mined."""

from yilian.chain.fees import Fees
from yilian.relay.db.models import ChainTx
from yilian.relay.worker import OutboxWorker, wait_until_idle

from .harness import (
    attestation_rows,
    attested,
    chain_txs,
    mining_paused,
    node_knows,
    queued_uids,
    rejections,
    wait_until,
    worker_of,
)

STUCK_AFTER_S = 2.0


def test_stuck_batch_is_replaced_at_a_higher_fee_and_confirmed_once(relay, face_provider):
    uids = queued_uids(relay, face_provider, volunteers=3)
    worker = worker_of(relay, stuck_after_s=STUCK_AFTER_S)
    w3, since = relay.chain.w3, relay.chain.w3.eth.block_number

    with mining_paused(w3):
        worker.run_once()
        (sent,) = chain_txs(relay.sessions)[-1:]
        assert sent.status == "sent" and node_knows(w3, sent.tx_hash)
        replaced = wait_until(lambda: _replaced(worker, sent.id), 5 * STUCK_AFTER_S, "a bump")
        assert replaced.nonce == sent.nonce
        assert replaced.earlier_hashes.split(",") == [sent.tx_hash]
        assert node_knows(w3, replaced.tx_hash) and not node_knows(w3, sent.tx_hash)
        before, after = Fees.from_json(sent.fee_json), Fees.from_json(replaced.fee_json)
        assert after.max_fee * 10 >= before.max_fee * 11
        assert after.priority_fee * 10 >= before.priority_fee * 11
        rows = attestation_rows(relay.sessions, uids).values()
        assert {row.tx_hash for row in rows} == {replaced.tx_hash}

    wait_until_idle(worker, timeout_s=30)
    confirmed = next(row for row in chain_txs(relay.sessions) if row.id == sent.id)
    assert confirmed.status == "confirmed"
    assert w3.eth.get_transaction_receipt(confirmed.tx_hash)["status"] == 1
    assert {row.status for row in attestation_rows(relay.sessions, uids).values()} == {"confirmed"}
    assert attested(relay.chain.ledger, since) == dict.fromkeys(uids, 1)
    assert rejections(relay.chain.ledger, since) == []


def _replaced(worker: OutboxWorker, chain_tx_id: int) -> ChainTx | None:
    worker.run_once()
    row = next(row for row in chain_txs(worker.sessions) if row.id == chain_tx_id)
    return row if row.earlier_hashes else None
