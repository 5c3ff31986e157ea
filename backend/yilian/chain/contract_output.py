"""Reading what a contract said: its events in a mined transaction, and a custom error's revert
data as text ("AllianceOutOfStock(offerId=3, stock=0, requested=1)")."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from eth_abi import decode
from eth_typing import ABIElement, ABIError
from eth_utils.abi import function_abi_to_4byte_selector, get_abi_input_types
from web3.contract import Contract
from web3.exceptions import ContractLogicError
from web3.types import EventData, TxReceipt

from yilian.chain.transactions import as_hex


def emitted(contract: Contract, receipt: TxReceipt, name: str) -> list[EventData]:
    """`contract`'s `name` events in a mined transaction. Other logs (the token's Transfer in a
    redemption) are skipped here: web3's `process_receipt` would warn about each of them."""
    event = contract.events[name]()
    return [
        event.process_log(log)
        for log in receipt["logs"]
        if log["address"] == contract.address and as_hex(log["topics"][0]) == event.topic
    ]


@dataclass(frozen=True)
class Revert:
    name: str
    values: dict[str, Any]

    def __str__(self) -> str:
        named = ", ".join(f"{key}={value}" for key, value in self.values.items())
        return f"{self.name}({named})"


def decode_revert(error: ContractLogicError, abi: Sequence[ABIElement]) -> Revert | None:
    """`AllianceOutOfStock(offerId=3, stock=0, requested=1)`, or None when the revert carries no
    custom error of `abi` (a revert string, an unknown selector, no data)."""
    data = revert_data(error)
    if len(data) < 10:
        return None
    selector, arguments = bytes.fromhex(data[2:10]), bytes.fromhex(data[10:])
    for known in (cast(ABIError, entry) for entry in abi if entry["type"] == "error"):
        if function_abi_to_4byte_selector(known) == selector:
            values = decode(get_abi_input_types(known), arguments)
            names = [field["name"] for field in known["inputs"]]
            return Revert(known["name"], {name: _plain(value) for name, value in zip(names, values, strict=True)})
    return None


def explain_revert(error: ContractLogicError, abi: Sequence[ABIElement]) -> str:
    """The custom error as text for people; web3's own text when the revert carries none."""
    revert = decode_revert(error, abi)
    if revert is not None:
        return str(revert)
    data = revert_data(error)
    if len(data) < 10:
        return str(error)  # no custom error (a revert string): web3's own text is all there is
    return f"an error this tool does not know (selector {data[:10]})"


def revert_data(error: ContractLogicError) -> str:
    data = error.data
    if isinstance(data, dict):  # ganache answers {"result": "0x<revert data>", "message": …}
        data = data.get("result") or data.get("data")
    return data if isinstance(data, str) else ""


def _plain(value: Any) -> Any:
    return "0x" + value.hex() if isinstance(value, bytes) else value
