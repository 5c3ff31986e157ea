"""The deployment manifest, `deployments/<network>.json`: where the contracts live on one chain.

The relay, the CLIs and the audit tool find the contracts through it; explorers get the ABI and
constructor arguments from it (the matching solc inputs sit next to it, in `<network>.sources/`).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from eth_abi import encode
from eth_typing import ChecksumAddress
from eth_utils import to_checksum_address
from pydantic import BaseModel, ConfigDict, field_validator, model_validator
from web3 import Web3
from web3.contract import Contract

from yilian.chain.transactions import as_hex

if TYPE_CHECKING:
    from yilian.chain.artifacts import Artifact

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

    @property
    def checksum_address(self) -> ChecksumAddress:
        return cast(ChecksumAddress, self.address)  # checksummed by the validator

    @classmethod
    def created(
        cls, artifact: Artifact, receipt: Mapping[str, Any], address: str, args: Sequence[Any]
    ) -> DeployedContract:
        """The record of a contract created in the transaction of `receipt`."""
        return cls(
            address=address,
            block_number=receipt["blockNumber"],
            transaction_hash=as_hex(receipt["transactionHash"]),
            constructor_arguments=as_hex(encode(artifact.constructor_types(), list(args))),
            abi=artifact.abi,
        )


class GovernanceRecord(BaseModel):
    """Who administers the contracts when the consortium does: the council (m of n departments)
    and the timelock it created, which holds the admin roles. Departments and threshold are the
    founding ones; later changes are on chain (`yilian governance status`)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    council: DeployedContract
    timelock: DeployedContract  # created by the council's constructor: same block and transaction
    departments: list[str]
    threshold: int
    min_delay: int  # seconds between the last approval and execution

    @field_validator("departments")
    @classmethod
    def _checksummed(cls, value: list[str]) -> list[str]:
        return [to_checksum_address(address) for address in value]


class Manifest(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    network: str
    chain_id: int
    deployed_at: datetime
    deployer: str
    compiler: str  # solc version, e.g. 0.8.28+commit.7893614a
    roles: dict[str, str]  # role name (registrar, attester, …) → the address holding it
    contracts: dict[str, DeployedContract]
    governance: GovernanceRecord | None = None  # None: the deployer is the admin (development)

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

    def address(self, name: str) -> ChecksumAddress:
        return self.contracts[name].checksum_address

    def contract(self, w3: Web3, name: str) -> Contract:
        deployed = self.contracts[name]
        return w3.eth.contract(address=deployed.checksum_address, abi=deployed.abi)
