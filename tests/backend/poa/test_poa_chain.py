"""The Clique chain the project starts: what makes it a PoA chain, and what the project's code
does about each quirk (no gas estimation, 97-byte extraData, zero base fee, finality depth)."""

import pytest
from eth_account import Account
from web3.exceptions import ExtraDataLengthError, Web3RPCError

from tests.backend.relay.harness import wait_until
from yilian.chain.connection import connect
from yilian.chain.finality import clique_signers, confirmations_for
from yilian.chain.localchain import dev_address, dev_private_key
from yilian.chain.poa import POA_CHAIN_ID, SIGNER_INDEX, PoaChain
from yilian.chain.transactions import Sender, fee_fields

pytestmark = pytest.mark.poa
SENDER = 15  # a development account no other test of this chain uses
# Init code of a contract whose code answers every call with 42: something to deploy.
ANSWERS_42 = "0x600a600c600039600a6000f3602a60005260206000f3"


def test_blocks_are_sealed_by_the_one_signer_with_clique_extra_data(poa_chain: PoaChain) -> None:
    w3 = connect(poa_chain.rpc_url, poa=True)
    genesis = w3.eth.get_block(0)["proofOfAuthorityData"]
    assert genesis[32:-65].hex() == poa_chain.signer[2:].lower() == dev_address(SIGNER_INDEX)[2:].lower()
    block = wait_until(lambda: w3.eth.block_number >= 1 and w3.eth.get_block(1), 30, "a sealed block")
    assert w3.eth.chain_id == POA_CHAIN_ID == 1338
    assert len(block["proofOfAuthorityData"]) == 97  # vanity + seal
    assert block["difficulty"] in (1, 2) and block["baseFeePerGas"] == 0
    with pytest.raises(ExtraDataLengthError):
        connect(poa_chain.rpc_url).eth.get_block("latest")  # why YILIAN_POA exists


def test_finality_depth_is_read_from_the_genesis_signers(poa_chain: PoaChain, local_chain) -> None:  # type: ignore[no-untyped-def]
    w3 = connect(poa_chain.rpc_url)  # raw reads: no PoA middleware needed
    assert (clique_signers(w3), confirmations_for(w3)) == (1, 2)
    ganache = connect(local_chain.rpc_url)
    assert (clique_signers(ganache), confirmations_for(ganache)) == (None, 1)


def test_gas_cannot_be_estimated_so_the_sender_sets_a_limit_and_pays_nothing(poa_chain: PoaChain) -> None:
    w3 = connect(poa_chain.rpc_url, poa=True)
    with pytest.raises(Web3RPCError):
        w3.eth.estimate_gas({"from": dev_address(SENDER), "to": dev_address(SENDER + 1), "value": 1})
    assert fee_fields(w3) == {"gasPrice": 0}
    balance = w3.eth.get_balance(dev_address(SENDER))
    registry_bytecode = "0x600a600c600039600a6000f3602a60005260206000f3"  # returns 42 from any call
    receipt = Sender(w3, dev_private_key(SENDER)).transact(
        w3.eth.contract(abi=[], bytecode=registry_bytecode).constructor()
    )
    assert receipt["status"] == 1 and w3.eth.get_code(receipt["contractAddress"])
    assert w3.eth.get_balance(dev_address(SENDER)) == balance, "gas is free on this chain"
    assert receipt["effectiveGasPrice"] == 0


def test_a_zero_balance_account_can_transact(poa_chain: PoaChain) -> None:
    w3 = connect(poa_chain.rpc_url, poa=True)
    nobody = Account.create()
    assert w3.eth.get_balance(nobody.address) == 0
    signed = nobody.sign_transaction({"to": nobody.address, "value": 0, "gas": 21_000, "gasPrice": 0, "nonce": 0,
                                      "chainId": POA_CHAIN_ID})  # fmt: skip
    receipt = Sender(w3, nobody.key).wait(w3.eth.send_raw_transaction(signed.raw_transaction))
    assert receipt["status"] == 1


def test_the_chain_survives_a_restart(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with PoaChain(period_s=1, data_dir=tmp_path / "chain") as chain:
        w3 = connect(chain.rpc_url, poa=True)
        receipt = Sender(w3, dev_private_key(SENDER)).transact(
            w3.eth.contract(abi=[], bytecode=ANSWERS_42).constructor()
        )
        chain.restart()
        assert w3.eth.block_number >= receipt["blockNumber"]
        assert w3.eth.get_code(receipt["contractAddress"]), "the restarted node kept its chain"
        assert w3.eth.get_block(receipt["blockNumber"])["hash"] == receipt["blockHash"]
