"""The solc standard-JSON inputs written at deployment reproduce the deployed runtime code."""

import json
import subprocess
from concurrent.futures import ThreadPoolExecutor

import pytest

from yilian.chain.artifacts import PROJECT_ROOT, load_artifact
from yilian.chain.manifest import CONTRACT_NAMES
from yilian.chain.standard_input import resolve_import

OZ = "node_modules/@openzeppelin/contracts"
SOLC = PROJECT_ROOT / "tools" / "solc" / "solc-v0.8.28"


def _compile(standard_input: dict) -> dict:
    result = subprocess.run(
        [str(SOLC), "--standard-json"],
        input=json.dumps(standard_input),
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    output = json.loads(result.stdout)
    errors = [e["formattedMessage"] for e in output.get("errors", []) if e["severity"] == "error"]
    assert not errors, errors
    return output


def _comparable(code: bytes, immutables: dict) -> bytes:
    """Runtime code without what legitimately differs: immutables (set by the constructor) are
    zeroed, and the CBOR metadata tail (its length is in the last two bytes) is cut."""
    code = bytearray(code)
    for references in immutables.values():
        for ref in references:
            code[ref["start"] : ref["start"] + ref["length"]] = bytes(ref["length"])
    return bytes(code[: -(int.from_bytes(code[-2:], "big") + 2)])


@pytest.fixture(scope="module")
def compiled(deployed) -> dict[str, tuple[dict, dict]]:
    """name → (standard input as written, solc's output for it); the four compile in parallel."""
    sources = deployed.manifest_path.with_suffix(".sources")
    inputs = {name: json.loads((sources / f"{name}.standard-input.json").read_text()) for name in CONTRACT_NAMES}
    with ThreadPoolExecutor(len(inputs)) as pool:
        outputs = dict(zip(inputs, pool.map(_compile, inputs.values()), strict=True))
    return {name: (inputs[name], outputs[name]) for name in inputs}


@pytest.mark.parametrize("name", CONTRACT_NAMES)
def test_input_is_self_contained(compiled, name):
    standard_input, output = compiled[name]
    # tools/solc reads missing imports from disk: had the input lacked a file, solc would have
    # loaded it and listed it among the output's sources.
    assert set(output["sources"]) == set(standard_input["sources"])
    assert any(unit.startswith("node_modules/@openzeppelin/") for unit in standard_input["sources"])
    assert standard_input["settings"]["evmVersion"] == "london"
    assert standard_input["settings"]["optimizer"] == {"enabled": True, "runs": 10000}


@pytest.mark.parametrize("name", CONTRACT_NAMES)
def test_input_reproduces_the_deployed_runtime_code(deployed, compiled, name):
    _, output = compiled[name]
    artifact = load_artifact(name)
    produced = output["contracts"][artifact.source_path][name]["evm"]["deployedBytecode"]
    immutables = produced["immutableReferences"]
    on_chain = bytes(deployed.w3.eth.get_code(deployed.manifest.address(name)))
    assert _comparable(on_chain, immutables) == _comparable(bytes.fromhex(produced["object"]), immutables)


@pytest.mark.parametrize(
    ("importer", "target", "unit"),
    [
        (
            "contracts/HourLedger.sol",
            "./interfaces/IHourLedger.sol",
            "contracts/interfaces/IHourLedger.sol",
        ),
        ("contracts/interfaces/IYiCoin.sol", "../YiCoin.sol", "contracts/YiCoin.sol"),
        (
            "contracts/YiCoin.sol",
            "@openzeppelin/contracts/utils/Pausable.sol",
            f"{OZ}/utils/Pausable.sol",
        ),
        (f"{OZ}/access/AccessControl.sol", "../utils/Context.sol", f"{OZ}/utils/Context.sol"),
    ],
)
def test_imports_resolve_to_solc_source_unit_names(importer, target, unit):
    remappings = [("@openzeppelin/", "node_modules/@openzeppelin/")]
    assert resolve_import(importer, target, remappings) == unit
