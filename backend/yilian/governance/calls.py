"""The calls a department proposes: named ones (role grants, the revocation window, pauses,
membership) and any other admin function by its signature, checked against the contract's ABI.

A call is plain data (target, value, calldata), so the council can govern functions added to the
contracts later without a change here: `generic_call` reaches them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from eth_abi import decode, encode
from eth_utils import function_signature_to_4byte_selector, is_address, keccak, to_checksum_address
from web3.contract import Contract

from yilian.governance.errors import GovernanceError

DEFAULT_ADMIN_ROLE = "DEFAULT_ADMIN_ROLE"
_SIGNATURE = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*\((.*)\)\s*$")


@dataclass(frozen=True)
class ProposedCall:
    target: str
    data: bytes
    summary: str  # for people: "HourLedger.grantRole(AUDITOR_ROLE, 0x…)"
    value: int = 0


def generic_call(contracts: Mapping[str, Contract], name: str, signature: str, args: Sequence[str]) -> ProposedCall:
    """`signature` like 'setRevocationWindow(uint32)'; `args` as text, arrays and tuples as JSON."""
    contract = _contract(contracts, name)
    function, types = _parse_signature(signature)
    canonical = f"{function}({','.join(types)})"
    if canonical not in _signatures(contract):
        known = ", ".join(sorted(s for s in _signatures(contract) if s.split("(")[0] == function)) or "none"
        raise GovernanceError(f"{name} has no function {canonical} (functions named {function}: {known})")
    if len(args) != len(types):
        raise GovernanceError(f"{canonical} takes {len(types)} argument(s), {len(args)} given")
    values = [_parse_value(t, a) for t, a in zip(types, args, strict=True)]
    data = function_signature_to_4byte_selector(canonical) + encode(types, values)
    return ProposedCall(contract.address, data, describe_call(contracts, contract.address, data))


def role_call(contracts: Mapping[str, Contract], name: str, grant: bool, role: str, account: str) -> ProposedCall:
    """grantRole/revokeRole of `role` (e.g. AUDITOR_ROLE, DEFAULT_ADMIN_ROLE) on contract `name`."""
    role_id = role_id_of(_contract(contracts, name), role)
    function = "grantRole(bytes32,address)" if grant else "revokeRole(bytes32,address)"
    return generic_call(contracts, name, function, ["0x" + role_id.hex(), account])


def role_id_of(contract: Contract, role: str) -> bytes:
    if role == DEFAULT_ADMIN_ROLE:
        return bytes(32)
    if role not in role_names(contract):
        known = ", ".join([DEFAULT_ADMIN_ROLE, *role_names(contract)])
        raise GovernanceError(f"no role {role} on this contract (roles: {known})")
    return bytes(contract.functions[role]().call())


def role_names(contract: Contract) -> list[str]:
    return [
        e["name"] for e in contract.abi if e["type"] == "function" and e["name"].endswith("_ROLE") and not e["inputs"]
    ]


def describe_call(contracts: Mapping[str, Contract], target: str, data: bytes) -> str:
    """`HourLedger.grantRole(AUDITOR_ROLE, 0x…)`, decoded with the ABIs of the known contracts."""
    found = next(((n, c) for n, c in contracts.items() if c.address == to_checksum_address(target)), None)
    if found is None:
        return f"{target}: data 0x{data.hex()}"
    name, contract = found
    for signature in _signatures(contract):
        if function_signature_to_4byte_selector(signature) == data[:4]:
            types = _parse_signature(signature)[1]
            values = decode(types, data[4:])
            shown = [_show(contracts, t, v) for t, v in zip(types, values, strict=True)]
            return f"{name}.{signature.split('(')[0]}({', '.join(shown)})"
    return f"{name}: unknown function, data 0x{data.hex()}"


def _show(contracts: Mapping[str, Contract], type_: str, value: Any) -> str:
    if type_ == "bytes32":
        # Display only: the contracts name their roles keccak256("<NAME>"), read without a call.
        roles = {keccak(text=r): r for c in contracts.values() for r in role_names(c)}
        return DEFAULT_ADMIN_ROLE if value == bytes(32) else roles.get(value, "0x" + value.hex())
    if type_ == "address":
        return to_checksum_address(value)
    return "0x" + value.hex() if isinstance(value, bytes) else str(value)


def _contract(contracts: Mapping[str, Contract], name: str) -> Contract:
    if name not in contracts:
        raise GovernanceError(f"no contract {name} here (contracts: {', '.join(contracts)})")
    return contracts[name]


def _signatures(contract: Contract) -> list[str]:
    return [
        f"{e['name']}({','.join(_abi_type(i) for i in e['inputs'])})" for e in contract.abi if e["type"] == "function"
    ]


def _abi_type(argument: Mapping[str, Any]) -> str:
    if argument["type"].startswith("tuple"):
        inner = ",".join(_abi_type(c) for c in argument["components"])
        return f"({inner}){argument['type'][len('tuple') :]}"
    return argument["type"]


def _parse_signature(signature: str) -> tuple[str, list[str]]:
    match = _SIGNATURE.match(signature)
    if match is None:
        raise GovernanceError(f"{signature!r} is not a function signature like 'setRevocationWindow(uint32)'")
    inner = match.group(2).replace(" ", "")
    return match.group(1), _split_types(inner) if inner else []


def _split_types(inner: str) -> list[str]:
    types, depth, start = [], 0, 0
    for index, char in enumerate(inner):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            types.append(inner[start:index])
            start = index + 1
    return [*types, inner[start:]]


def _parse_value(type_: str, text: str) -> Any:
    try:
        if type_.endswith("]") or type_.startswith("("):
            return json.loads(text)
        if type_.startswith(("uint", "int")):
            return int(text, 0)
        if type_ == "address":
            if not is_address(text):
                raise ValueError("not an address")
            return to_checksum_address(text)
        if type_ == "bool":
            return {"true": True, "false": False}[text.lower()]
        if type_.startswith("bytes"):
            return bytes.fromhex(text.removeprefix("0x"))
        return text
    except (ValueError, KeyError) as error:
        raise GovernanceError(f"{text!r} is not a valid {type_} ({error})") from None
