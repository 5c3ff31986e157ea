"""The Sourcify-style repository written at deployment matches the code on chain: the metadata
hash solc embedded in each contract's runtime code is the IPFS hash of the metadata.json written,
and the sources written are the ones that metadata names (by keccak256)."""

import json

import pytest

from yilian.chain.eip712 import keccak256
from yilian.chain.manifest import CONTRACT_NAMES
from yilian.chain.sourcify import embedded_metadata_hash, ipfs_multihash, sourcify_dir


@pytest.fixture(scope="module")
def repository(deployed):  # type: ignore[no-untyped-def]
    return sourcify_dir(deployed.manifest_path) / "full_match" / str(deployed.manifest.chain_id)


@pytest.mark.parametrize("name", CONTRACT_NAMES)
def test_the_deployed_code_embeds_the_hash_of_the_written_metadata(deployed, repository, name) -> None:
    address = deployed.manifest.address(name)
    folder = repository / address
    on_chain = bytes(deployed.w3.eth.get_code(address))

    embedded = embedded_metadata_hash(on_chain)

    assert embedded is not None and embedded[:2] == b"\x12\x20"
    assert embedded == ipfs_multihash((folder / "metadata.json").read_bytes())


@pytest.mark.parametrize("name", CONTRACT_NAMES)
def test_every_source_the_metadata_names_is_written(deployed, repository, name) -> None:
    folder = repository / deployed.manifest.address(name)
    metadata = json.loads((folder / "metadata.json").read_bytes())

    assert metadata["settings"]["compilationTarget"] == {f"contracts/{name}.sol": name}
    assert metadata["settings"]["evmVersion"] == "london"
    for unit, source in metadata["sources"].items():
        assert "0x" + keccak256((folder / "sources" / unit).read_bytes()).hex() == source["keccak256"], unit
    events = {item["name"] for item in metadata["output"]["abi"] if item["type"] == "event"}
    assert events, "an explorer decodes events from the metadata's ABI"


def test_the_ledger_events_an_auditor_filters_by_are_indexed(deployed, repository) -> None:
    folder = repository / deployed.manifest.address("HourLedger")
    abi = json.loads((folder / "metadata.json").read_bytes())["output"]["abi"]
    indexed = {e["name"]: [i["name"] for i in e["inputs"] if i["indexed"]] for e in abi if e["type"] == "event"}

    assert indexed["HoursAttested"] == ["uid", "volunteer", "activityId"]
    assert indexed["HoursRevoked"] == ["uid", "volunteer", "activityId"]


def test_a_changed_byte_changes_the_hash() -> None:
    assert ipfs_multihash(b'{"a":1}') != ipfs_multihash(b'{"a":2}')
    assert embedded_metadata_hash(b"\x60\x80" + b"\x00\x00") is None
