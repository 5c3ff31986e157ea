"""Brownie's compiled contracts (build/contracts/*.json) and the compiler settings behind them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

# backend/yilian/chain/artifacts.py → the project root (the package is installed editable).
PROJECT_ROOT = Path(__file__).resolve().parents[3]
BUILD_DIR = PROJECT_ROOT / "build" / "contracts"


class StaleBuildError(RuntimeError):
    """The build no longer matches the source: deploying it would deploy old code."""


@dataclass(frozen=True)
class Artifact:
    name: str
    abi: list[dict[str, Any]]
    bytecode: str
    deployed_bytecode: str
    source_path: str  # the source unit name, relative to the project root
    compiler_version: str  # e.g. 0.8.28+commit.7893614a
    optimizer: dict[str, Any]
    evm_version: str

    def constructor_types(self) -> list[str]:
        constructor = next((e for e in self.abi if e["type"] == "constructor"), None)
        return [arg["type"] for arg in constructor["inputs"]] if constructor else []


def load_artifact(name: str, *, build_dir: Path = BUILD_DIR, root: Path = PROJECT_ROOT) -> Artifact:
    data = json.loads((build_dir / f"{name}.json").read_text())
    if not data["bytecode"]:
        raise ValueError(f"{name} has no bytecode: an interface or abstract contract")
    source_path = data["sourcePath"]
    if (root / source_path).read_text() != data["source"]:
        raise StaleBuildError(f"{source_path} changed since it was compiled: run `brownie compile`")
    compiler = data["compiler"]
    return Artifact(
        name=name,
        abi=data["abi"],
        bytecode=data["bytecode"],
        deployed_bytecode=data["deployedBytecode"],
        source_path=source_path,
        compiler_version=compiler["version"],
        optimizer=compiler["optimizer"],
        evm_version=compiler["evm_version"],
    )


def solc_remappings(root: Path = PROJECT_ROOT) -> list[str]:
    """The remappings Brownie compiles with: brownie-config.yaml is their single source."""
    config = yaml.safe_load((root / "brownie-config.yaml").read_text())
    return list(config["compiler"]["solc"].get("remappings") or [])


def solc_via_ir(root: Path = PROJECT_ROOT) -> bool:
    """Whether Brownie compiles through the Yul pipeline; its build files don't record it."""
    config = yaml.safe_load((root / "brownie-config.yaml").read_text())
    return bool(config["compiler"]["solc"].get("viaIR"))
