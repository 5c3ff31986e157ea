"""A department's connection to the consortium council: reading proposals and sending its
proposals, approvals and executions, with refusals explained before anything is signed."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from eth_account.signers.local import LocalAccount
from pydantic import ValidationError
from web3 import Web3
from web3.contract import Contract
from web3.contract.contract import ContractFunction
from web3.exceptions import ContractLogicError, Web3Exception
from web3.types import TxReceipt

from yilian.chain.connection import connect
from yilian.chain.contract_output import emitted, explain_revert
from yilian.chain.governance import council_of
from yilian.chain.manifest import CONTRACT_NAMES, Manifest
from yilian.chain.transactions import Sender, TransactionFailed, as_hex
from yilian.governance.calls import ProposedCall, describe_call
from yilian.governance.errors import GovernanceError

# IConsortiumCouncil.ProposalState, in order.
STATES = ("unknown", "pending", "waiting", "ready", "executed", "cancelled")


@dataclass(frozen=True)
class ProposalView:
    id: bytes
    state: str
    summary: str
    proposer: str
    approvers: list[str]  # current departments that approved
    cancellers: list[str]  # current departments that voted to cancel
    threshold: int
    ready_at: int  # chain time from which it can be executed; 0 while pending


@dataclass(frozen=True)
class Consortium:
    w3: Web3
    manifest: Manifest
    council: Contract
    timelock: Contract
    contracts: dict[str, Contract]  # the governed contracts, the council and the timelock, by name

    @classmethod
    def open(cls, rpc_url: str, manifest_path: Path, *, poa: bool = False) -> Consortium:
        try:
            manifest = Manifest.load(manifest_path)
        except (OSError, ValidationError) as error:
            raise GovernanceError(
                f"cannot read the deployment manifest {manifest_path} ({type(error).__name__})"
            ) from None
        if manifest.governance is None:
            raise GovernanceError(f"{manifest_path}: this deployment has no governance; the deployer is its admin")
        w3 = connect(rpc_url, poa=poa)
        _check_chain(w3, rpc_url, manifest)
        council, timelock = council_of(w3, manifest.governance)
        contracts = {name: manifest.contract(w3, name) for name in CONTRACT_NAMES}
        contracts |= {"ConsortiumCouncil": council, "TimelockController": timelock}
        return cls(w3, manifest, council, timelock, contracts)

    def departments(self) -> list[str]:
        return list(self.council.functions.getRoleMembers(self.department_role()).call())

    def department_role(self) -> bytes:
        return bytes(self.council.functions.DEPARTMENT_ROLE().call())

    def threshold(self) -> int:
        return int(self.council.functions.threshold().call())

    def min_delay(self) -> int:
        return int(self.timelock.functions.getMinDelay().call())

    def now(self) -> int:
        return int(self.w3.eth.get_block("latest")["timestamp"])

    def require_department(self, address: str) -> None:
        """Refuses a non-member before its password is asked for."""
        if not self.council.functions.hasRole(self.department_role(), address).call():
            raise GovernanceError(f"{address} is not a department of the council {self.council.address}")

    def proposal(self, proposal_id: bytes) -> ProposalView:
        state = STATES[self.council.functions.proposalState(proposal_id).call()]
        if state == "unknown":
            raise GovernanceError(f"no proposal 0x{proposal_id.hex()}")
        target, _value, data, _salt, proposer = self.council.functions.proposal(proposal_id).call()
        functions, departments = self.council.functions, self.departments()
        approvers = [d for d in departments if functions.hasApproved(proposal_id, d).call()]
        cancellers = [d for d in departments if functions.hasVotedToCancel(proposal_id, d).call()]
        timestamp = int(self.timelock.functions.getTimestamp(proposal_id).call())
        summary = describe_call(self.contracts, target, data)
        ready_at = timestamp if timestamp > 1 else 0  # the timelock marks a done operation with 1
        return ProposalView(proposal_id, state, summary, proposer, approvers, cancellers, self.threshold(), ready_at)

    def proposals(self) -> list[ProposalView]:
        count = self.council.functions.proposalCount().call()
        return [self.proposal(bytes(self.council.functions.proposalIdAt(i).call())) for i in range(count)]

    def preview(self, call: ProposedCall) -> None:
        """Runs the call as the timelock would, now: a call that would fail is refused unproposed."""
        request = {"from": self.timelock.address, "to": call.target, "data": call.data, "value": call.value}
        try:
            self.w3.eth.call(request)  # type: ignore[arg-type]
        except ContractLogicError as error:
            reason = explain_revert(error, self._abi())
            raise GovernanceError(
                f"{call.summary} would fail if executed now: {reason}; nothing was proposed"
            ) from None

    def propose(self, account: LocalAccount, call: ProposedCall, salt: bytes | None = None) -> tuple[bytes, TxReceipt]:
        salt = salt or os.urandom(32)  # a fresh salt: the same change can be proposed again later
        function = self.council.functions.propose(call.target, call.value, call.data, salt)
        receipt = self.send(account, function)
        created = emitted(self.council, receipt, "ProposalCreated")[0]
        return bytes(created["args"]["id"]), receipt

    def send(self, account: LocalAccount, function: ContractFunction) -> TxReceipt:
        """Sends from the department's key; a refusal found by the gas estimate costs nothing."""
        try:
            return Sender(self.w3, account.key).transact(function)
        except ContractLogicError as error:
            reason = explain_revert(error, self._abi())
            raise GovernanceError(f"the council refused; nothing was sent: {reason}") from None
        except TransactionFailed as failed:
            receipt = failed.receipt
            raise GovernanceError(
                f"transaction {as_hex(receipt['transactionHash'])} reverted in block {receipt['blockNumber']}"
            ) from None

    def _abi(self) -> list:
        return [entry for contract in self.contracts.values() for entry in contract.abi]


def _check_chain(w3: Web3, rpc_url: str, manifest: Manifest) -> None:
    """The manifest describes this chain and its council is there, before anything is read."""
    assert manifest.governance is not None
    council = manifest.governance.council.checksum_address
    try:
        chain_id, code = w3.eth.chain_id, w3.eth.get_code(council)
    except (OSError, Web3Exception) as error:  # requests' ConnectionError is an OSError
        raise GovernanceError(f"the chain at {rpc_url} does not answer ({type(error).__name__})") from None
    if chain_id != manifest.chain_id:
        raise GovernanceError(f"the manifest describes chain {manifest.chain_id}, but {rpc_url} is chain {chain_id}")
    if not code:
        raise GovernanceError(f"no ConsortiumCouncil at {council} on {rpc_url}: a manifest of an older chain?")


def parse_proposal_id(text: str) -> bytes:
    try:
        value = bytes.fromhex(text.removeprefix("0x"))
    except ValueError:
        value = b""
    if len(value) != 32:
        raise GovernanceError(f"{text!r} is not a proposal id (0x and 64 hexadecimal digits)")
    return value
