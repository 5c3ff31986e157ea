"""solc standard-JSON input for one deployed contract, for Blockscout / Sourcify verification.

Brownie's build data lists only the sources that appear in a contract's source maps, not every
file the compiler reads, so the input is rebuilt here from the source files: the contract's
file and everything it imports, transitively, under the source unit names solc itself uses
(relative imports resolved against the importer, then the project's remappings applied).
Those names and the settings are Brownie's, so the metadata hash can match too.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from typing import Any

from yilian.chain.artifacts import PROJECT_ROOT, Artifact, solc_remappings, solc_via_ir

# `import "x";`, `import {A} from "x";`, `import * as X from "x";`, `import "x" as X;`.
# Anchored at a line start, so imports quoted in comments or NatSpec are not followed.
_IMPORT = re.compile(r"""^\s*import\s+(?:[^;"']*?\bfrom\s+)?["']([^"']+)["']""", re.MULTILINE)

OUTPUT_SELECTION = {
    "*": {
        "*": [
            "abi",
            "metadata",
            "evm.bytecode.object",
            "evm.deployedBytecode.object",
            "evm.deployedBytecode.immutableReferences",
        ]
    }
}


def _parse_remappings(remappings: list[str]) -> list[tuple[str, str]]:
    pairs = [tuple(r.split("=", 1)) for r in remappings]
    # solc applies the longest matching prefix.
    return sorted(pairs, key=lambda pair: len(pair[0]), reverse=True)  # type: ignore[arg-type,return-value]


def resolve_import(importer: str, target: str, remappings: list[tuple[str, str]]) -> str:
    """The source unit name solc gives `target` when `importer` imports it."""
    if target.startswith(("./", "../")):
        return posixpath.normpath(posixpath.join(posixpath.dirname(importer), target))
    for prefix, replacement in remappings:
        if target.startswith(prefix):
            return replacement + target[len(prefix) :]
    return target


def source_closure(entry: str, remappings: list[str], root: Path = PROJECT_ROOT) -> dict[str, str]:
    """Every source unit `entry` needs, by name, with its contents (read below `root`)."""
    pairs = _parse_remappings(remappings)
    sources: dict[str, str] = {}
    pending = [entry]
    while pending:
        unit = pending.pop()
        if unit in sources:
            continue
        sources[unit] = (root / unit).read_text()
        pending.extend(resolve_import(unit, t, pairs) for t in _IMPORT.findall(sources[unit]))
    return sources


def standard_input(artifact: Artifact, root: Path = PROJECT_ROOT) -> dict[str, Any]:
    remappings = solc_remappings(root)
    sources = source_closure(artifact.source_path, remappings, root)
    settings: dict[str, Any] = {
        "optimizer": artifact.optimizer,
        "evmVersion": artifact.evm_version,
        "remappings": remappings,
        "outputSelection": OUTPUT_SELECTION,
    }
    if solc_via_ir(root):
        settings["viaIR"] = True
    return {
        "language": "Solidity",
        "sources": {unit: {"content": sources[unit]} for unit in sorted(sources)},
        "settings": settings,
    }
