"""The deployment manifest, `deployments/<network>.json`: where the contracts live on one chain.

The relay, the CLIs and the audit tool find the contracts through it; explorers get the ABI and
constructor arguments from it (the matching solc inputs sit next to it, in `<network>.sources/`).
"""

from __future__ import annotations

import os
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from eth_utils import to_checksum_address
from pydantic import BaseModel, ConfigDict, field_validator, model_validator
from web3 import Web3
from web3.contract import Contract

CONTRACT_NAMES = ("VolunteerRegistry", "HourLedger", "YiCoin", "MerchantAlliance", "TimeBank")


class DeployedContract(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    address: str
    block_number: int
    # YiCoin is created by HourLedger's constructor: it shares the ledger's block and transaction.
    transaction_hash: str
    constructor_arguments: str  # ABI-encoded hex, as explorers ask for it when verifying
    abi: list[dict[str, Any]]

    @field_validator("address")
    @classmethod
    def _checksummed(cls, value: str) -> str:
        return to_checksum_address(value)


class Manifest(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    network: str
    chain_id: int
    deployed_at: datetime
    deployer: str
    compiler: str  # solc version, e.g. 0.8.28+commit.7893614a
    roles: dict[str, str]  # role name (registrar, attester, …) → the address holding it
    contracts: dict[str, DeployedContract]

    @model_validator(mode="after")
    def _complete(self) -> Manifest:
        missing = set(CONTRACT_NAMES) - set(self.contracts)
        if missing:
            raise ValueError(f"manifest lacks {', '.join(sorted(missing))}")
        return self

    @classmethod
    def load(cls, path: str | Path) -> Manifest:
        return cls.model_validate_json(Path(path).read_text())

    def save(self, path: str | Path) -> None:
        """Writes atomically: a reader never sees half a manifest, a crash never leaves one."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            # mkstemp makes the file private; a manifest is public information, readable by all.
            os.fchmod(fd, 0o644)
            with os.fdopen(fd, "w") as out:
                out.write(self.model_dump_json(indent=2) + "\n")
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise

    def address(self, name: str) -> str:
        return self.contracts[name].address

    def contract(self, w3: Web3, name: str) -> Contract:
        deployed = self.contracts[name]
        return w3.eth.contract(address=deployed.address, abi=deployed.abi)
