"""The off-chain evidence bundle of a session and its hash, which goes on chain.

Canonical JSON (sorted keys, no spaces) so anyone holding the bundle recomputes the same hash.
"""

import json
from typing import Any

from yilian.chain.eip712 import keccak256


def canonical(bundle: dict[str, Any]) -> str:
    return json.dumps(bundle, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def evidence_hash(bundle_json: str) -> str:
    return "0x" + keccak256(bundle_json.encode()).hex()
