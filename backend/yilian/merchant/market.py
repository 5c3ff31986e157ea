"""The merchant's connection to the alliance: the contracts of the deployment manifest, chain
time, event scans, and sending a transaction whose refusal is explained instead of paid for."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eth_account.signers.local import LocalAccount
from web3 import Web3
from web3.contract import Contract
from web3.contract.contract import ContractEvent, ContractFunction
from web3.exceptions import ContractLogicError
from web3.types import EventData, TxReceipt

from yilian.chain.contract_output import explain_revert
from yilian.chain.deployed import open_deployment
from yilian.chain.manifest import Manifest
from yilian.chain.transactions import Sender, TransactionFailed, as_hex
from yilian.merchant.errors import MerchantError

# Besu's default --rpc-max-logs-range: larger eth_getLogs ranges are refused there; ganache and
# Anvil take any range, so chunks of this size work everywhere.
LOG_CHUNK_BLOCKS = 5_000


@dataclass(frozen=True)
class Market:
    w3: Web3
    manifest: Manifest
    alliance: Contract
    yicoin: Contract

    @classmethod
    def open(cls, rpc_url: str, manifest_path: Path, *, poa: bool = False) -> Market:
        """Connects and makes sure the manifest describes this chain, before anything is read."""
        w3, manifest = open_deployment(rpc_url, manifest_path, poa=poa)
        return cls(w3, manifest, manifest.contract(w3, "MerchantAlliance"), manifest.contract(w3, "YiCoin"))

    @property
    def chain_id(self) -> int:
        return self.manifest.chain_id

    def now(self) -> int:
        """The latest block's time: what the contracts compare deadlines and validity with."""
        return int(self.w3.eth.get_block("latest")["timestamp"])

    def balance(self, account: str) -> int:
        return int(self.yicoin.functions.balanceOf(account).call())

    def events(self, event: ContractEvent, **filters: Any) -> list[EventData]:
        """Every `event` matching `filters` (indexed arguments) since the alliance's deployment."""
        start = self.manifest.contracts["MerchantAlliance"].block_number
        latest = self.w3.eth.block_number
        found: list[EventData] = []
        for low in range(start, latest + 1, LOG_CHUNK_BLOCKS):
            high = min(low + LOG_CHUNK_BLOCKS - 1, latest)
            found += event.get_logs(argument_filters=filters, from_block=low, to_block=high)
        return found

    def send(self, account: LocalAccount, call: ContractFunction) -> TxReceipt:
        """Sends `call` from the merchant's wallet and waits for it to be mined."""
        try:
            return Sender(self.w3, account.key).transact(call)
        except ContractLogicError as error:
            # Raised by the gas estimate, before anything is signed: no gas was spent.
            reason = explain_revert(error, [*self.alliance.abi, *self.yicoin.abi])
            raise MerchantError(f"the contract refused the transaction; nothing was sent: {reason}") from None
        except TransactionFailed as failed:  # mined, yet reverted: the state changed in between
            receipt = failed.receipt
            raise MerchantError(
                f"transaction {as_hex(receipt['transactionHash'])} reverted in block {receipt['blockNumber']}"
            ) from None
