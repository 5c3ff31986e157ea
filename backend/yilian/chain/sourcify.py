"""A Sourcify-style repository for a deployment, so explorers decode its events and functions.

`deployments/<network>.sourcify/full_match/<chainId>/<address>/metadata.json` plus
`sources/<source unit name>` for every contract: the layout Sourcify serves and Blockscout and
Otterscan read. `full_match` means the IPFS hash of metadata.json is the one solc embedded in the
runtime code's CBOR tail, so the sources are provably those compiled (comments included).

The metadata comes from solc itself, asked for nothing but the metadata of the standard-JSON
input written at deployment (no code generation: seconds, even with viaIR), and is cached in
build/metadata/ by the input's digest.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from yilian.chain.artifacts import PROJECT_ROOT, Artifact, load_artifact
from yilian.chain.manifest import Manifest
from yilian.chain.standard_input import standard_input

SOLC = PROJECT_ROOT / "tools" / "solc" / "solc-v0.8.28"
CACHE_DIR = PROJECT_ROOT / "build" / "metadata"
IPFS_CHUNK = 256 * 1024  # solc hashes larger metadata as a DAG of chunks; ours is ~30 kB


def _varint(value: int) -> bytes:
    out = bytearray()
    while value > 0x7F:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    return bytes(out) + bytes([value])


def ipfs_multihash(data: bytes) -> bytes:
    """The sha2-256 multihash of `data` added to IPFS as one UnixFS file block (CIDv0), as solc
    computes it for the metadata."""
    if len(data) > IPFS_CHUNK:
        raise ValueError(f"{len(data)} bytes: more than one IPFS chunk")
    unixfs = b"\x08\x02" + (b"\x12" + _varint(len(data)) + data if data else b"") + b"\x18" + _varint(len(data))
    return b"\x12\x20" + hashlib.sha256(b"\x0a" + _varint(len(unixfs)) + unixfs).digest()


def embedded_metadata_hash(runtime_code: bytes) -> bytes | None:
    """The `ipfs` entry of the CBOR map solc appends to runtime code (its length in the last two
    bytes): 34 bytes, a 0x1220 multihash. None if the code carries none."""
    length = int.from_bytes(runtime_code[-2:], "big")
    tail = runtime_code[-2 - length : -2]
    key = b"\x64ipfs\x58\x22"  # text(4) "ipfs", bytes(34)
    at = tail.find(key)
    return tail[at + len(key) : at + len(key) + 34] if at >= 0 else None


def compiler_metadata(artifact: Artifact) -> str:
    request = standard_input(artifact)
    request["settings"]["outputSelection"] = {artifact.source_path: {artifact.name: ["metadata"]}}
    digest = hashlib.sha256(json.dumps(request, sort_keys=True).encode()).hexdigest()[:16]
    cached = CACHE_DIR / f"{artifact.name}-{digest}.json"
    if cached.exists():
        return cached.read_text(encoding="utf-8")
    done = subprocess.run([str(SOLC), "--standard-json"], input=json.dumps(request), capture_output=True,
                          text=True, check=True, timeout=600)  # fmt: skip
    output = json.loads(done.stdout)
    errors = [e["formattedMessage"] for e in output.get("errors", []) if e["severity"] == "error"]
    if errors:
        raise RuntimeError(f"solc refused {artifact.name}'s input: {errors}")
    metadata = output["contracts"][artifact.source_path][artifact.name]["metadata"]
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    cached.write_text(metadata, encoding="utf-8")
    return metadata


def sourcify_dir(path: Path) -> Path:
    """`deployments/<network>.sourcify/`, next to the manifest `deployments/<network>.json`."""
    return path.with_suffix(".sourcify")


def _write_contract(root: Path, chain_id: int, address: str, artifact: Artifact) -> Path:
    metadata = compiler_metadata(artifact).encode()
    code = bytes.fromhex(artifact.deployed_bytecode.removeprefix("0x"))
    match = "full_match" if embedded_metadata_hash(code) == ipfs_multihash(metadata) else "partial_match"
    folder = root / match / str(chain_id) / address
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "metadata.json").write_bytes(metadata)  # byte for byte what was hashed
    sources: dict[str, Any] = standard_input(artifact)["sources"]
    for unit, source in sources.items():
        target = folder / "sources" / unit
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(source["content"], encoding="utf-8")
    return folder


def write_sourcify(path: Path, manifest: Manifest) -> list[Path]:
    """One folder per deployed contract; the compilations run side by side."""
    root = sourcify_dir(path)
    jobs = [(manifest.address(name), load_artifact(name)) for name in manifest.contracts]
    with ThreadPoolExecutor(len(jobs)) as pool:
        return list(pool.map(lambda job: _write_contract(root, manifest.chain_id, *job), jobs))
