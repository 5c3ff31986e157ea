"""Reading what a contract said: its events in a mined transaction, and a custom error's revert
data as text ("AllianceOutOfStock(offerId=3, stock=0, requested=1)")."""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

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


def explain_revert(error: ContractLogicError, abi: Sequence[ABIElement]) -> str:
    """`AllianceOutOfStock(offerId=3, stock=0, requested=1)` from a custom error's revert data."""
    data = _revert_data(error)
    if len(data) < 10:
        return str(error)  # no custom error (a revert string): web3's own text is all there is
    selector, arguments = bytes.fromhex(data[2:10]), bytes.fromhex(data[10:])
    errors = [cast(ABIError, entry) for entry in abi if entry["type"] == "error"]
    for known in errors:
        if function_abi_to_4byte_selector(known) == selector:
            values = decode(get_abi_input_types(known), arguments)
            named = ", ".join(f"{field['name']}={value}" for field, value in zip(known["inputs"], values, strict=True))
            return f"{known['name']}({named})"
    return f"an error this tool does not know (selector {data[:10]})"


def _revert_data(error: ContractLogicError) -> str:
    data = error.data
    if isinstance(data, dict):  # ganache answers {"result": "0x<revert data>", "message": …}
        data = data.get("result") or data.get("data")
    return data if isinstance(data, str) else ""
