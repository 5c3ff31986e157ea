"""Every event of the four contracts, read with chunked `eth_getLogs` and decoded with the ABIs
of the deployment manifest. Shared by the audit and the statistics.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

from eth_utils import event_abi_to_log_topic, to_checksum_address
from web3 import Web3
from web3.contract.contract import ContractEvent
from web3.exceptions import Web3RPCError
from web3.types import LogReceipt

from yilian.audit.rpc import DEFAULT_BATCH, batched
from yilian.chain.manifest import CONTRACT_NAMES, Manifest

DEFAULT_CHUNK = 2_000  # blocks per eth_getLogs: Besu and most gateways accept a few thousand


@dataclass(frozen=True, slots=True)
class ChainEvent:
    contract: str  # VolunteerRegistry, HourLedger, YiCoin or MerchantAlliance
    name: str  # HoursAttested, Transfer, …; "UnknownEvent" for a log the ABI does not describe
    block: int
    timestamp: int  # of the block
    tx_hash: str
    log_index: int
    args: dict[str, Any]  # bytes as 0x-hex, addresses checksummed: JSON-ready


def plain(value: Any) -> Any:
    if isinstance(value, bytes):
        return "0x" + value.hex()
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value


class EventScanner:
    def __init__(
        self, w3: Web3, manifest: Manifest, *, chunk_size: int = DEFAULT_CHUNK, rpc_batch: int = DEFAULT_BATCH
    ) -> None:
        if chunk_size < 1:
            raise ValueError("chunk size must be at least one block")
        self.w3 = w3
        self.manifest = manifest
        self.chunk_size = chunk_size
        self.rpc_batch = rpc_batch
        self.addresses = [to_checksum_address(manifest.address(name)) for name in CONTRACT_NAMES]
        # The first block that can hold one of our events: the registry is deployed first.
        self.deployment_block = min(deployed.block_number for deployed in manifest.contracts.values())
        self._events: dict[tuple[str, bytes], tuple[str, ContractEvent]] = {}
        for name in CONTRACT_NAMES:
            contract = manifest.contract(w3, name)
            for event in contract.all_events():
                self._events[(contract.address, event_abi_to_log_topic(event.abi))] = (name, event)

    def head(self) -> int:
        return self.w3.eth.block_number

    def block_hash(self, number: int) -> str:
        return "0x" + bytes(self.w3.eth.get_block(number)["hash"]).hex()

    def chunks(self, start: int, end: int) -> Iterator[tuple[int, list[ChainEvent]]]:
        """Yields (last block of the chunk, its events in chain order) from `start` to `end`."""
        size = self.chunk_size
        while start <= end:
            stop = min(start + size - 1, end)
            try:
                logs = self.w3.eth.get_logs({"address": self.addresses, "fromBlock": start, "toBlock": stop})
            except Web3RPCError:
                # Nodes cap a query's block range or result count (Besu, hosted gateways, each
                # with its own message): halve the chunk and ask again; one block must pass.
                if size == 1:
                    raise
                size = max(1, size // 2)
                continue
            yield stop, self.decode(logs)
            start = stop + 1

    def decode(self, logs: Iterable[LogReceipt]) -> list[ChainEvent]:
        logs = list(logs)
        times = self.block_times({log["blockNumber"] for log in logs})
        return [self._decode(log, times[log["blockNumber"]]) for log in logs]

    def _decode(self, log: LogReceipt, timestamp: int) -> ChainEvent:
        address = to_checksum_address(log["address"])
        topic = bytes(log["topics"][0]) if log["topics"] else b""
        known = self._events.get((address, topic))
        if known is None:
            contract = next(n for n in CONTRACT_NAMES if self.manifest.address(n) == address)
            args = {"topics": plain(list(map(bytes, log["topics"]))), "data": plain(bytes(log["data"]))}
            return self._event(log, contract, "UnknownEvent", timestamp, args)
        name, event = known
        decoded = event.process_log(log)
        args = {key: plain(value) for key, value in decoded["args"].items()}
        return self._event(log, name, decoded["event"], timestamp, args)

    @staticmethod
    def _event(log: LogReceipt, contract: str, name: str, timestamp: int, args: dict[str, Any]) -> ChainEvent:
        return ChainEvent(
            contract=contract,
            name=name,
            block=log["blockNumber"],
            timestamp=timestamp,
            tx_hash="0x" + bytes(log["transactionHash"]).hex(),
            log_index=log["logIndex"],
            args=args,
        )

    def block_times(self, numbers: Iterable[int]) -> dict[int, int]:
        """Timestamps of the blocks that hold events, fetched in JSON-RPC batches: one round
        trip per `rpc_batch` blocks, never one per event."""
        ordered = sorted(set(numbers))
        blocks = batched(self.w3, (partial(self.w3.eth.get_block, n) for n in ordered), self.rpc_batch)
        return {number: block["timestamp"] for number, block in zip(ordered, blocks, strict=True)}
