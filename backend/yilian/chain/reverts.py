"""A contract's refusal, read back: the custom error's name and values from a revert's data."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from eth_abi import decode
from eth_typing import ABIElement, ABIError
from eth_utils.abi import function_abi_to_4byte_selector, get_abi_input_types
from web3.exceptions import ContractLogicError


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


def _plain(value: Any) -> Any:
    return "0x" + value.hex() if isinstance(value, bytes) else value


def revert_data(error: ContractLogicError) -> str:
    data = error.data
    if isinstance(data, dict):  # ganache answers {"result": "0x<revert data>", "message": …}
        data = data.get("result") or data.get("data")
    return data if isinstance(data, str) else ""
