"""The council on a real chain: nobody alone changes the rules; m of n departments, after the
timelock's delay, do. Every refusal is the contract's own custom error, with its values."""

import os
from pathlib import Path

import pytest
from web3 import Web3

from tests.backend.conftest import DEPLOYER
from tests.backend.governance.conftest import DELAY, DEPARTMENTS, OUTSIDER, THRESHOLD, Governed, deploy_governed
from yilian.chain.localchain import LocalChain, dev_address
from yilian.governance.calls import ProposedCall, generic_call, role_call

A, B, C = DEPARTMENTS
ADMIN = bytes(32)
PENDING, WAITING, EXECUTED, CANCELLED = 1, 2, 4, 5  # IConsortiumCouncil.ProposalState


def _propose(governed: Governed, proposer: int, call: ProposedCall) -> bytes:
    council = governed.consortium.council
    salt = os.urandom(32)
    governed.send(proposer, council.functions.propose(call.target, call.value, call.data, salt))
    return bytes(
        council.functions.proposalCount().call()
        and council.functions.proposalIdAt(council.functions.proposalCount().call() - 1).call()
    )


def _state(governed: Governed, proposal_id: bytes) -> str:
    return governed.consortium.proposal(proposal_id).state


def _enact(governed: Governed, call: ProposedCall) -> bytes:
    """Proposed by A, approved by B (2 of 3), executed by C after the delay."""
    proposal_id = _propose(governed, A, call)
    governed.send(B, governed.consortium.council.functions.approve(proposal_id))
    governed.wait(DELAY)
    governed.send(C, governed.consortium.council.functions.execute(proposal_id))
    return proposal_id


def _contracts(governed: Governed):
    return governed.consortium.contracts


def test_deployment_leaves_every_admin_role_with_the_timelock(governed: Governed) -> None:
    timelock, deployer = governed.consortium.timelock.address, dev_address(DEPLOYER)
    record = governed.manifest.governance
    assert record is not None and record.timelock.address == timelock
    assert (record.departments, record.threshold, record.min_delay) == (
        [dev_address(i) for i in DEPARTMENTS],
        THRESHOLD,
        DELAY,
    )
    for name in ("VolunteerRegistry", "HourLedger", "YiCoin", "MerchantAlliance"):
        functions = _contracts(governed)[name].functions
        assert functions.hasRole(ADMIN, timelock).call(), name
        assert not functions.hasRole(ADMIN, deployer).call(), name
    yicoin = _contracts(governed)["YiCoin"].functions
    pauser = yicoin.PAUSER_ROLE().call()
    assert yicoin.hasRole(pauser, timelock).call() and not yicoin.hasRole(pauser, deployer).call()
    registry = _contracts(governed)["VolunteerRegistry"].functions
    assert registry.hasRole(registry.REGISTRAR_ROLE().call(), deployer).call()  # operational: kept
    # The former admin key can do nothing any more.
    refusal = governed.refusal(DEPLOYER, _contracts(governed)["HourLedger"].functions.setRevocationWindow(60))
    assert refusal == ("AccessControlUnauthorizedAccount", deployer, ADMIN)


@pytest.mark.parametrize("action", ["grant auditor", "revocation window", "pause"])
def test_one_department_cannot_act_alone_and_two_of_three_can(governed: Governed, action: str) -> None:
    contracts, target = _contracts(governed), dev_address(12)
    ledger, yicoin = contracts["HourLedger"].functions, contracts["YiCoin"].functions
    auditor = ledger.AUDITOR_ROLE().call()
    call, done = {
        "grant auditor": (
            role_call(contracts, "HourLedger", True, "AUDITOR_ROLE", target),
            lambda: ledger.hasRole(auditor, target).call(),
        ),
        "revocation window": (
            generic_call(contracts, "HourLedger", "setRevocationWindow(uint32)", ["86400"]),
            lambda: ledger.revocationWindow().call() == 86_400,
        ),
        "pause": (generic_call(contracts, "YiCoin", "pause()", []), lambda: yicoin.paused().call()),
    }[action]
    council = governed.consortium.council.functions
    proposal_id = _propose(governed, A, call)
    assert _state(governed, proposal_id) == "pending" and council.approvals(proposal_id).call() == 1
    governed.wait(DELAY * 2)  # time alone does not help
    assert governed.refusal(A, council.approve(proposal_id)) == ("CouncilAlreadyApproved", proposal_id, dev_address(A))
    assert governed.refusal(A, council.execute(proposal_id)) == ("CouncilProposalNotReady", proposal_id, PENDING, 0)
    assert governed.refusal(A, council.schedule(proposal_id)) == ("CouncilNotEnoughApprovals", proposal_id, 1, 2)
    # Nor around the council: the timelock and the contract itself refuse a department.
    timelock = governed.consortium.timelock.functions
    proposer = timelock.PROPOSER_ROLE().call()
    alone = timelock.schedule(call.target, 0, call.data, bytes(32), bytes(32), DELAY)
    assert governed.refusal(A, alone) == ("AccessControlUnauthorizedAccount", dev_address(A), proposer)
    assert governed.refusal(A, ledger.grantRole(auditor, target)) == (
        "AccessControlUnauthorizedAccount",
        dev_address(A),
        ADMIN,
    )
    assert not done()

    governed.send(B, council.approve(proposal_id))  # the second approval schedules it
    assert _state(governed, proposal_id) == "waiting" and not done()
    governed.wait(DELAY)
    governed.send(C, council.execute(proposal_id))
    assert _state(governed, proposal_id) == "executed" and done()
    if action == "pause":  # leave the token spendable for the other tests
        _enact(governed, generic_call(contracts, "YiCoin", "unpause()", []))


def test_the_delay_is_respected_and_nothing_runs_twice(governed: Governed) -> None:
    contracts, council = _contracts(governed), governed.consortium.council.functions
    call = generic_call(contracts, "HourLedger", "setRevocationWindow(uint32)", ["7200"])
    salt = os.urandom(32)
    governed.send(A, council.propose(call.target, 0, call.data, salt))
    proposal_id = bytes(council.proposalIdAt(council.proposalCount().call() - 1).call())
    approval = governed.send(B, council.approve(proposal_id))
    ready_at = governed.consortium.proposal(proposal_id).ready_at
    assert ready_at == governed.w3.eth.get_block(approval["blockNumber"])["timestamp"] + DELAY
    governed.wait(DELAY - 60)
    assert governed.refusal(C, council.execute(proposal_id)) == (
        "CouncilProposalNotReady",
        proposal_id,
        WAITING,
        ready_at,
    )
    assert governed.refusal(C, council.approve(proposal_id)) == ("CouncilProposalNotPending", proposal_id, WAITING)
    governed.wait(60)
    governed.send(C, council.execute(proposal_id))
    assert contracts["HourLedger"].functions.revocationWindow().call() == 7_200
    # Replays: executing again, proposing the same call with the same salt.
    assert governed.refusal(A, council.execute(proposal_id)) == ("CouncilProposalNotReady", proposal_id, EXECUTED, 0)
    assert governed.refusal(A, council.propose(call.target, 0, call.data, salt)) == (
        "CouncilProposalExists",
        proposal_id,
    )


@pytest.mark.parametrize("scheduled", [False, True])
def test_the_council_cancels_m_of_n_until_execution(governed: Governed, scheduled: bool) -> None:
    contracts, council = _contracts(governed), governed.consortium.council.functions
    proposal_id = _propose(governed, A, generic_call(contracts, "YiCoin", "pause()", []))
    if scheduled:
        governed.send(B, council.approve(proposal_id))
    governed.send(C, council.cancel(proposal_id))
    assert governed.refusal(C, council.cancel(proposal_id)) == (
        "CouncilAlreadyVotedToCancel",
        proposal_id,
        dev_address(C),
    )
    assert _state(governed, proposal_id) == ("waiting" if scheduled else "pending")  # one vote is not enough
    governed.send(A, council.cancel(proposal_id))
    assert _state(governed, proposal_id) == "cancelled" and council.cancelVotes(proposal_id).call() == 2
    governed.wait(DELAY)
    assert governed.refusal(B, council.execute(proposal_id)) == ("CouncilProposalNotReady", proposal_id, CANCELLED, 0)
    assert governed.refusal(B, council.approve(proposal_id)) == ("CouncilProposalNotPending", proposal_id, CANCELLED)
    assert governed.refusal(B, council.cancel(proposal_id)) == ("CouncilProposalNotCancellable", proposal_id, CANCELLED)
    assert governed.consortium.timelock.functions.getTimestamp(proposal_id).call() == 0
    assert not contracts["YiCoin"].functions.paused().call()


def test_non_members_are_refused_everywhere(governed: Governed) -> None:
    contracts, council = _contracts(governed), governed.consortium.council.functions
    call = role_call(contracts, "HourLedger", True, "AUDITOR_ROLE", dev_address(OUTSIDER))
    role = council.DEPARTMENT_ROLE().call()
    expected = ("AccessControlUnauthorizedAccount", dev_address(OUTSIDER), role)
    assert governed.refusal(OUTSIDER, council.propose(call.target, 0, call.data, bytes(32))) == expected
    proposal_id = _propose(governed, A, call)
    assert governed.refusal(OUTSIDER, council.approve(proposal_id)) == expected
    assert governed.refusal(OUTSIDER, council.execute(proposal_id)) == expected
    assert governed.refusal(OUTSIDER, council.setThreshold(1)) == (
        "AccessControlUnauthorizedAccount",
        dev_address(OUTSIDER),
        ADMIN,
    )
    # A department cannot co-opt a member or lower the threshold alone either.
    assert governed.refusal(A, council.grantRole(role, dev_address(OUTSIDER))) == (
        "AccessControlUnauthorizedAccount",
        dev_address(A),
        ADMIN,
    )
    assert governed.refusal(A, council.setThreshold(1)) == ("AccessControlUnauthorizedAccount", dev_address(A), ADMIN)
    assert governed.consortium.proposal(proposal_id).approvers == [dev_address(A)]


def test_membership_and_threshold_change_only_through_the_council(governed_chain: LocalChain, tmp_path: Path) -> None:
    governed = deploy_governed(governed_chain, tmp_path)  # its own council: this one changes for good
    contracts, council = _contracts(governed), governed.consortium.council.functions
    newcomer = dev_address(8)
    _enact(governed, role_call(contracts, "ConsortiumCouncil", True, "DEPARTMENT_ROLE", newcomer))
    assert governed.consortium.departments() == [*[dev_address(i) for i in DEPARTMENTS], newcomer]
    _enact(governed, generic_call(contracts, "ConsortiumCouncil", "setThreshold(uint256)", ["3"]))
    assert governed.consortium.threshold() == 3

    # A departing department's approval stops counting.
    pending = _propose(governed, A, generic_call(contracts, "YiCoin", "pause()", []))
    removal = _propose(governed, B, role_call(contracts, "ConsortiumCouncil", False, "DEPARTMENT_ROLE", dev_address(A)))
    for department in (C, 8):
        governed.send(department, council.approve(removal))
    governed.wait(DELAY)
    governed.send(C, council.execute(removal))
    assert dev_address(A) not in governed.consortium.departments()
    assert council.approvals(pending).call() == 0
    assert governed.refusal(A, council.approve(pending))[:2] == ("AccessControlUnauthorizedAccount", dev_address(A))

    # Below the threshold is refused even when the council agrees: 2 departments left, threshold 3.
    shrink = _propose(governed, B, role_call(contracts, "ConsortiumCouncil", False, "DEPARTMENT_ROLE", newcomer))
    assert governed.consortium.threshold() == 3 and len(governed.consortium.departments()) == 3
    for department in (C, 8):
        governed.send(department, council.approve(shrink))
    governed.wait(DELAY)
    assert governed.refusal(C, council.execute(shrink)) == ("CouncilInvalidThreshold", 3, 2)
    assert newcomer in governed.consortium.departments()


def test_role_ids_are_shown_by_name(governed: Governed) -> None:
    contracts = _contracts(governed)
    call = role_call(contracts, "HourLedger", True, "AUDITOR_ROLE", dev_address(3))
    assert call.summary == f"HourLedger.grantRole(AUDITOR_ROLE, {dev_address(3)})"
    assert Web3.to_checksum_address(call.target) == contracts["HourLedger"].address
