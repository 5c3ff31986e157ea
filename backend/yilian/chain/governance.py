"""Hands the contracts' admin roles to the consortium: a ConsortiumCouncil (m of n departments)
in front of the TimelockController it creates.

After the hand-over the deployer holds no admin role: every role grant, ceiling, window or pause
goes through `yilian governance` (propose → m approvals → the timelock's delay → execute).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from eth_utils import to_checksum_address
from web3 import Web3
from web3.contract import Contract

from yilian.chain.artifacts import load_artifact
from yilian.chain.manifest import DeployedContract, GovernanceRecord
from yilian.chain.transactions import Sender, created_address

DEFAULT_ADMIN_ROLE = bytes(32)
DEFAULT_TIMELOCK_DELAY = 2 * 86_400  # two days for every department to see a scheduled change


@dataclass(frozen=True)
class GovernanceSpec:
    """The founding departments (one address each), how many must approve, the timelock delay."""

    departments: tuple[str, ...]
    threshold: int
    min_delay: int = DEFAULT_TIMELOCK_DELAY

    def __post_init__(self) -> None:
        departments = tuple(to_checksum_address(d) for d in self.departments)
        if len(set(departments)) != len(departments):
            raise ValueError("a department is listed twice")
        if not 1 <= self.threshold <= len(departments):
            raise ValueError(f"threshold {self.threshold} must lie in 1..{len(departments)} (the departments)")
        if self.min_delay < 0:
            raise ValueError("the timelock delay cannot be negative")
        object.__setattr__(self, "departments", departments)


def deploy_council(sender: Sender, spec: GovernanceSpec) -> GovernanceRecord:
    """Deploys the council; its constructor creates the timelock."""
    w3 = sender.w3
    council_artifact, timelock_artifact = load_artifact("ConsortiumCouncil"), load_artifact("TimelockController")
    args = (list(spec.departments), spec.threshold, spec.min_delay)
    factory = w3.eth.contract(abi=council_artifact.abi, bytecode=council_artifact.bytecode)
    receipt = sender.transact(factory.constructor(*args))
    council_address = created_address(receipt)
    council = w3.eth.contract(address=council_address, abi=council_artifact.abi)
    timelock_address = council.functions.timelock().call()
    timelock_args = (spec.min_delay, [council_address], [council_address], "0x" + "00" * 20)
    return GovernanceRecord(
        council=DeployedContract.created(council_artifact, receipt, council_address, args),
        timelock=DeployedContract.created(timelock_artifact, receipt, timelock_address, timelock_args),
        departments=list(spec.departments),
        threshold=spec.threshold,
        min_delay=spec.min_delay,
    )


def hand_over(sender: Sender, contracts: Iterable[Contract], timelock: str, keep: Sequence[str]) -> None:
    """Gives the timelock every role the deployer holds except the operational ones in `keep`
    (e.g. REGISTRAR_ROLE when the deployer is also the registrar), then renounces them.

    Admin roles are found in each ABI (`DEFAULT_ADMIN_ROLE`, `PAUSER_ROLE`, any `*_ROLE` a
    contract adds later), so a new admin-held role is handed over without changing this code.
    """
    for contract in contracts:
        held = [r for r in _role_ids(contract, keep) if contract.functions.hasRole(r, sender.address).call()]
        for role in held:
            sender.transact(contract.functions.grantRole(role, timelock))
        # The admin role last: renouncing it first would leave no right to grant the others.
        for role in sorted(held, key=lambda r: r == DEFAULT_ADMIN_ROLE):
            sender.transact(contract.functions.renounceRole(role, sender.address))


def _role_ids(contract: Contract, keep: Sequence[str]) -> list[bytes]:
    names = [
        entry["name"]
        for entry in contract.abi
        if entry["type"] == "function"
        and entry["name"].endswith("_ROLE")
        and entry["name"] not in keep
        and not entry["inputs"]
    ]
    return [bytes(contract.functions[name]().call()) for name in names]


def council_of(w3: Web3, record: GovernanceRecord) -> tuple[Contract, Contract]:
    """The council and timelock contracts of a manifest's governance record."""
    council = w3.eth.contract(address=record.council.checksum_address, abi=record.council.abi)
    timelock = w3.eth.contract(address=record.timelock.checksum_address, abi=record.timelock.abi)
    return council, timelock
