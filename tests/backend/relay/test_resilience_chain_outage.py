"""Chain outage: the node goes away mid-flow and comes back with its chain but without its
transaction pool. Check-outs are accepted and queued meanwhile; the worker catches up and sends
again what the node forgot; nothing is lost or counted twice."""

import pytest
from eth_account import Account
from eth_typing import HexStr
from hexbytes import HexBytes
from web3 import Web3
from web3.exceptions import TransactionNotFound

from yilian.chain.localchain import dev_address, dev_private_key
from yilian.chain.transactions import fee_fields
from yilian.relay.db.models import ChainTx

from .conftest import Relay
from .harness import (
    CheckInDriver,
    RelayProcess,
    attestation_rows,
    chain_txs,
    deployed_chain,
    rpc,
    tally,
    wait_until,
    wait_until_drained,
)
from .scenario import Scenario

BYSTANDER = 9  # a development account the relay does not use
VOLUNTEERS = 25  # × 16 sessions: more check-outs than the run makes

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture
def relay_chain(tmp_path):
    """A chain kept on disk, so that it survives a stop and a start, mining a block a second."""
    with deployed_chain(tmp_path, block_time=1, db_path=tmp_path / "chain") as deployed:
        yield deployed


def test_worker_catches_up_after_an_outage_and_resends_what_the_node_forgot(
    relay, relay_chain, face_provider, tmp_path
):
    chain, w3 = relay_chain[0], relay.chain.w3
    scenario = Scenario(relay, face_provider)
    activity = scenario.activity(scenario.organisation())
    volunteers = [scenario.volunteer(address=Account.create().address) for _ in range(VOLUNTEERS)]
    # Not stuck after the outage, however long the worker backs off: re-sent, not replaced.
    settings = {"batch_max_age_s": 0.3, "poll_interval_s": 0.1, "stuck_after_s": 600}
    with RelayProcess(tmp_path / "relay", relay, **settings) as process:
        driver = CheckInDriver(process.url, relay, scenario, [activity], volunteers).start()
        driver.wait_for(5)
        rpc(w3, "miner_stop")  # what the relay sends now stays in the node's pool
        in_flight = wait_until(lambda: _unmined_batch(relay), 30, "a batch in the node's pool")
        bystander = _send_bystander_transaction(w3)
        head = w3.eth.block_number
        chain.stop()

        health = wait_until(lambda: _unhealthy(process), 30, "/healthz saying 503")
        (endpoint,) = health.pop("endpoints")
        assert health == {"status": "degraded", "database": True, "chain": False}
        assert endpoint["reachable"] is False and endpoint["error"] == "ConnectionError", endpoint
        before = len(driver.checked_out)
        driver.wait_for(before + 5)
        queued = [item.uid for item in driver.checked_out[before:]]
        assert {row.status for row in attestation_rows(relay.sessions, queued).values()} == {"signed"}, (
            "check-outs during the outage wait in the outbox"
        )

        chain.start()
        assert w3.eth.block_number >= head, "the chain came back with its blocks"
        with pytest.raises(TransactionNotFound):
            w3.eth.get_transaction(bystander)  # the node forgot its pool: nobody sent it again
        wait_until(lambda: process.health().status_code == 200, 60, "/healthz saying 200")
        driver.wait_for(len(driver.checked_out) + 5)
        driver.stop()
        wait_until_drained(relay.sessions, timeout_s=90)

    resent = next(row for row in chain_txs(relay.sessions) if row.id == in_flight.id)
    assert (resent.status, resent.tx_hash, resent.earlier_hashes) == (
        "confirmed",
        in_flight.tx_hash,
        "",
    ), "the very transaction the node forgot was sent again, and mined"
    assert w3.eth.get_transaction_receipt(in_flight.tx_hash)["status"] == 1
    result = tally(relay, driver.checked_out)
    print(f"\n{len(queued)} check-outs queued during the outage; {result}")
    result.assert_exactly_once()


def _unmined_batch(relay: Relay) -> ChainTx | None:
    rows = chain_txs(relay.sessions)
    return next((row for row in rows if _in_pool(relay.chain.w3, row.tx_hash)), None)


def _in_pool(w3: Web3, tx_hash: str) -> bool:
    try:
        return w3.eth.get_transaction(HexStr(tx_hash))["blockNumber"] is None
    except TransactionNotFound:
        return False


def _send_bystander_transaction(w3: Web3) -> HexBytes:
    """A transaction nobody will send again: whether the node still has it after a restart."""
    account = Account.from_key(dev_private_key(BYSTANDER))
    tx = {
        "to": dev_address(BYSTANDER),
        "value": 0,
        "gas": 21_000,
        "chainId": w3.eth.chain_id,
        "nonce": w3.eth.get_transaction_count(account.address),
        **fee_fields(w3),
    }
    return w3.eth.send_raw_transaction(account.sign_transaction(tx).raw_transaction)


def _unhealthy(process: RelayProcess) -> dict | None:
    response = process.health()
    return response.json() if response.status_code == 503 else None
