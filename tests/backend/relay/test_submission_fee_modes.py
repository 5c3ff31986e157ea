"""Fee modes: EIP-1559 where blocks carry a base fee (the default on london), legacy gas prices
when asked to, and free legacy transactions on a chain without base fee whose gas price is zero,
like many permissioned chains. Each way, a batch is confirmed."""

from typing import Any

import pytest
from web3.types import TxData

from yilian.chain.fees import Fees
from yilian.relay.db.models import ChainTx
from yilian.relay.verification import FakeFaceProvider
from yilian.relay.worker import wait_until_idle

from .conftest import Relay
from .harness import attestation_rows, chain_txs, deployed_chain, queued_uids, worker_of

CHAINS = {
    "london": {},
    "berlin, zero gas price": {"hardfork": "berlin", "extra_args": ("--miner.defaultGasPrice", "0")},
}

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture(scope="module")
def relay_chain(request, tmp_path_factory):
    with deployed_chain(tmp_path_factory.mktemp("chain"), **CHAINS[request.param]) as deployed:
        yield deployed


def _confirmed_batch(relay: Relay, face: FakeFaceProvider, **settings: Any) -> tuple[ChainTx, TxData]:
    """Queues two attestations and has a worker with `settings` confirm them in one batch:
    the batch's record and the transaction as the chain has it."""
    uids = queued_uids(relay, face, volunteers=2)
    wait_until_idle(worker_of(relay, **settings), timeout_s=30)
    (batch,) = chain_txs(relay.sessions)[-1:]
    assert batch.status == "confirmed"
    rows = attestation_rows(relay.sessions, uids).values()
    assert {(row.status, row.chain_tx_id) for row in rows} == {("confirmed", batch.id)}
    return batch, relay.chain.w3.eth.get_transaction(batch.tx_hash)


@pytest.mark.parametrize("relay_chain", ["london"], indirect=True)
def test_eip1559_fees_by_default_where_blocks_have_a_base_fee(relay, face_provider):
    batch, tx = _confirmed_batch(relay, face_provider)
    fees = Fees.from_json(batch.fee_json)
    assert tx["type"] == 2 and fees.gas_price is None
    assert (tx["maxFeePerGas"], tx["maxPriorityFeePerGas"]) == (fees.max_fee, fees.priority_fee)


@pytest.mark.parametrize("relay_chain", ["london"], indirect=True)
def test_legacy_mode_pays_the_nodes_gas_price(relay, face_provider):
    batch, tx = _confirmed_batch(relay, face_provider, fee_mode="legacy")
    assert tx["type"] == 0
    assert tx["gasPrice"] == Fees.from_json(batch.fee_json).gas_price == relay.chain.w3.eth.gas_price


@pytest.mark.parametrize("relay_chain", ["berlin, zero gas price"], indirect=True)
def test_zero_gas_price_chain_gets_free_legacy_transactions(relay, face_provider):
    w3 = relay.chain.w3
    assert w3.eth.get_block("latest").get("baseFeePerGas") is None and w3.eth.gas_price == 0
    submitter = relay.chain.submitter.address
    balance = w3.eth.get_balance(submitter)
    batch, tx = _confirmed_batch(relay, face_provider)
    assert (tx["type"], tx["gasPrice"]) == (0, 0)
    assert w3.eth.get_balance(submitter) == balance, "the batch cost nothing"
