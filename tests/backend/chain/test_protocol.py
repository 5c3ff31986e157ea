"""`yilian.chain.protocol` agrees with the contracts as compiled: every enum member in order,
every limit, read from the compiler's AST in build/contracts."""

import json
import re
from collections.abc import Iterator
from enum import IntEnum
from typing import Any

import pytest

from yilian.chain import protocol
from yilian.chain.artifacts import BUILD_DIR

ENUMS: list[tuple[str, type[IntEnum]]] = [
    ("IHourLedger", protocol.AttestationStatus),
    ("IHourLedger", protocol.Rejection),
    ("IMerchantAlliance", protocol.MerchantKind),
    ("IMerchantAlliance", protocol.MerchantStatus),
]


def _nodes(node: Any, node_type: str) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if node.get("nodeType") == node_type:
            yield node
        for value in node.values():
            yield from _nodes(value, node_type)
    elif isinstance(node, list):
        for value in node:
            yield from _nodes(value, node_type)


def _ast(contract: str) -> dict[str, Any]:
    return json.loads((BUILD_DIR / f"{contract}.json").read_text())["ast"]


def _upper_snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).upper()


@pytest.mark.parametrize(("contract", "enum"), ENUMS, ids=[enum.__name__ for _, enum in ENUMS])
def test_enum_members_are_the_contracts_in_declaration_order(contract: str, enum: type[IntEnum]) -> None:
    (definition,) = [e for e in _nodes(_ast(contract), "EnumDefinition") if e["name"] == enum.__name__]
    solidity = [_upper_snake(member["name"]) for member in definition["members"]]
    assert [member.name for member in enum] == solidity
    assert [member.value for member in enum] == list(range(len(solidity)))


def test_max_sessions_is_the_ledgers_constant() -> None:
    (constant,) = [v for v in _nodes(_ast("HourLedger"), "VariableDeclaration") if v["name"] == "MAX_SESSIONS"]
    assert constant["constant"] and int(constant["value"]["value"], 0) == protocol.MAX_SESSIONS


def test_rejection_codes_are_snake_case_names() -> None:
    assert protocol.Rejection.OVER_MINUTE_CAP.code == "over_minute_cap"
    assert protocol.Rejection(3).code == "already_accepted"


def test_time_bank_service_category_is_the_ledgers_constant() -> None:
    nodes = _nodes(_ast("HourLedger"), "VariableDeclaration")
    (constant,) = [v for v in nodes if v["name"] == "TIME_BANK_SERVICE_CATEGORY"]
    assert constant["constant"] and int(constant["value"]["value"], 0) == protocol.TIME_BANK_SERVICE_CATEGORY
