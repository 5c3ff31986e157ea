"""Sending transactions and waiting for them, from a private key or an account the node unlocks.

Scripts, deployment and benchmarks send one transaction at a time and need its receipt before
the next step; this module is that loop, with the fee choice the project's chains need.
"""

from __future__ import annotations

import time
from typing import Protocol, cast

from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_account.types import TransactionDictType
from eth_typing import ChecksumAddress
from eth_utils import is_address, to_checksum_address
from hexbytes import HexBytes
from web3 import Web3
from web3.exceptions import ContractLogicError, Web3RPCError
from web3.types import TxParams, TxReceipt

from yilian.chain.connection import lookup_not_ready
from yilian.chain.fees import current_fees

# Headroom over eth_estimateGas: estimates are exact on ganache and Anvil, but a PoA node's
# estimate can run short of what a state change between estimate and inclusion needs.
_GAS_HEADROOM = 1.2
_FEE_KEYS = ("gasPrice", "maxFeePerGas", "maxPriorityFeePerGas")


class Transactable(Protocol):
    """A web3 contract function call or constructor call: anything with `build_transaction`."""

    def build_transaction(self, transaction: TxParams | None = None) -> TxParams: ...


class TransactionFailed(RuntimeError):
    def __init__(self, receipt: TxReceipt) -> None:
        super().__init__(
            f"transaction {receipt['transactionHash'].hex()} reverted in block "
            f"{receipt['blockNumber']} (gas used {receipt['gasUsed']})"
        )
        self.receipt = receipt


def fee_fields(w3: Web3) -> TxParams:
    """The fee fields of the next transaction, by the project's fee policy (`chain.fees`)."""
    return cast(TxParams, current_fees(w3).tx_fields())


class Sender:
    """Sends from `key_or_address`: a private key signs here; an address is unlocked on the node."""

    def __init__(self, w3: Web3, key_or_address: str | bytes, *, receipt_timeout: float = 120) -> None:
        self.w3 = w3
        self.receipt_timeout = receipt_timeout
        self._account: LocalAccount | None = None
        if isinstance(key_or_address, str) and is_address(key_or_address):
            self.address = to_checksum_address(key_or_address)
        else:
            self._account = Account.from_key(key_or_address)
            self.address = self._account.address

    def transact(self, call: Transactable) -> TxReceipt:
        """Builds (estimating gas), sends and waits for `call`; raises if it reverts."""
        fees = fee_fields(self.w3)
        gas_limit = self.w3.eth.get_block("latest")["gasLimit"]
        try:
            built = call.build_transaction({"from": self.address, **fees})
            built["gas"] = min(int(built["gas"] * _GAS_HEADROOM), gas_limit)
        except ContractLogicError:
            raise
        except Web3RPCError:
            # The node cannot estimate (EthereumJS on Clique fails eth_estimateGas): an explicit
            # limit, the block's. Unused gas is not charged, and a revert still shows in the receipt.
            built = call.build_transaction({"from": self.address, **fees, "gas": gas_limit})
        # With a gas price strategy set (Brownie sets one), web3 adds a gasPrice next to our
        # EIP-1559 fees, a mix nodes reject: keep only the fee fields chosen above.
        tx: TxParams = {k: v for k, v in built.items() if k not in _FEE_KEYS or k in fees}  # type: ignore[assignment]
        return self.wait(self.send(tx))

    def send(self, tx: TxParams) -> HexBytes:
        """Sends a complete transaction (gas and fees set) without waiting."""
        if self._account is None:
            return self.w3.eth.send_transaction(tx)
        # The node's pending count includes our own earlier, still unmined transactions.
        nonce = self.w3.eth.get_transaction_count(self.address, "pending")
        # eth-account types a transaction as a plain dict, web3 as the TypedDict TxParams.
        signed = self._account.sign_transaction(cast(TransactionDictType, {**tx, "nonce": nonce}))
        return self.w3.eth.send_raw_transaction(signed.raw_transaction)

    def wait(self, tx_hash: HexBytes) -> TxReceipt:
        deadline = time.monotonic() + self.receipt_timeout
        while True:
            try:
                receipt = self.w3.eth.wait_for_transaction_receipt(
                    tx_hash, timeout=max(0.1, deadline - time.monotonic()), poll_latency=0.05
                )
                break
            except Web3RPCError as error:  # a Web3 not built by connect(), e.g. Brownie's
                if not (lookup_not_ready(error) and time.monotonic() < deadline):
                    raise
        if receipt["status"] != 1:
            raise TransactionFailed(receipt)
        return receipt


def created_address(receipt: TxReceipt) -> ChecksumAddress:
    """The address of the contract the transaction of `receipt` created."""
    address = receipt["contractAddress"]
    if address is None:
        raise ValueError(f"transaction {as_hex(receipt['transactionHash'])} created no contract")
    return address


def as_hex(value: bytes) -> str:
    """0x-prefixed hex of bytes-like values (HexBytes.hex() has no prefix in web3 7)."""
    return "0x" + bytes(value).hex()
