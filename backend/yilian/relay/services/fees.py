"""Transaction fees: EIP-1559 where blocks carry a base fee, legacy elsewhere (and on zero-gas
permissioned chains); replacements bump by 12.5 %, above the 10 % nodes require.

A london chain whose base fee is zero (free gas, as a consortium chain is set up) gets legacy
transactions at gas price 0 in `auto` mode: the submitter then needs no balance at all."""

import json
from dataclasses import asdict, dataclass

from web3 import Web3

BUMP_NUMERATOR, BUMP_DENOMINATOR = 9, 8


@dataclass(frozen=True)
class Fees:
    gas_price: int | None = None
    max_fee: int | None = None
    priority_fee: int | None = None

    def tx_fields(self) -> dict[str, int]:
        if self.gas_price is not None:
            return {"gasPrice": self.gas_price}
        return {"maxFeePerGas": self.max_fee or 0, "maxPriorityFeePerGas": self.priority_fee or 0}

    def bumped(self) -> "Fees":
        def bump(value: int | None) -> int | None:
            return None if value is None else value * BUMP_NUMERATOR // BUMP_DENOMINATOR + 1

        return Fees(bump(self.gas_price), bump(self.max_fee), bump(self.priority_fee))

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> "Fees":
        return cls(**json.loads(text))


def current_fees(w3: Web3, *, mode: str, priority_fee: int, gas_price: int | None) -> Fees:
    base_fee = w3.eth.get_block("latest").get("baseFeePerGas")
    if mode == "auto" and base_fee == 0:
        return Fees(gas_price=gas_price or 0)
    if mode == "legacy" or (mode == "auto" and base_fee is None):
        return Fees(gas_price=gas_price if gas_price is not None else w3.eth.gas_price)
    base = base_fee or 0
    # Twice the base fee rides out six full blocks of base-fee growth.
    return Fees(max_fee=2 * base + priority_fee, priority_fee=priority_fee)
