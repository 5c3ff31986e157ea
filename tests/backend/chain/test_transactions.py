"""Fee choice and failure reporting of the transaction sender."""

from types import SimpleNamespace

import pytest

from yilian.chain.localchain import dev_address, dev_private_key
from yilian.chain.transactions import Sender, TransactionFailed, fee_fields

GWEI = 10**9


def _fake_w3(block: dict) -> SimpleNamespace:
    eth = SimpleNamespace(get_block=lambda _: block, gas_price=0, max_priority_fee=2 * GWEI)
    return SimpleNamespace(eth=eth)


def test_zero_gas_poa_chain_gets_a_legacy_transaction():
    assert fee_fields(_fake_w3({"number": 5})) == {"gasPrice": 0}  # type: ignore[arg-type]


def test_london_chain_gets_eip1559_fees():
    fees = fee_fields(_fake_w3({"number": 5, "baseFeePerGas": 7 * GWEI}))  # type: ignore[arg-type]
    assert fees == {"maxFeePerGas": 16 * GWEI, "maxPriorityFeePerGas": 2 * GWEI}


@pytest.mark.parametrize("key_or_address", [dev_private_key(5), dev_address(5)])
def test_sender_signs_with_a_key_or_uses_the_unlocked_account(deployed, key_or_address):
    sender = Sender(deployed.w3, key_or_address)
    assert sender.address == dev_address(5)
    registry = deployed.manifest.contract(deployed.w3, "VolunteerRegistry")
    # Renouncing a role one does not hold is a harmless no-op: a successful transaction.
    receipt = sender.transact(registry.functions.renounceRole(bytes(32), sender.address))
    assert receipt["status"] == 1
    assert deployed.w3.eth.get_transaction(receipt["transactionHash"])["from"] == dev_address(5)


def test_a_reverted_transaction_raises(deployed):
    sender = Sender(deployed.w3, dev_private_key(6))
    registry = deployed.manifest.contract(deployed.w3, "VolunteerRegistry")
    # Not a registrar: estimating would already fail, so send with a fixed gas limit.
    tx = registry.functions.registerVolunteer(dev_address(6), b"\x01" * 32).build_transaction(
        {"from": sender.address, "gas": 200_000, **fee_fields(deployed.w3)}
    )
    with pytest.raises(TransactionFailed, match="reverted"):
        sender.wait(sender.send(tx))
