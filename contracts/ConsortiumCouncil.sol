// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessControlEnumerable} from "@openzeppelin/contracts/access/extensions/AccessControlEnumerable.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {IConsortiumCouncil} from "./interfaces/IConsortiumCouncil.sol";

/// @title ConsortiumCouncil
/// @notice The m-of-n approval front of a `TimelockController` it creates: nobody alone changes
/// the rules. Give the timelock (`timelock()`) the admin roles of the governed contracts.
/// @dev Departments are `DEPARTMENT_ROLE` members (AccessControlEnumerable, so approvals are
/// counted among current members). The council's own admin is the timelock, so membership and
/// threshold changes need the same m-of-n approval and delay as any other change.
contract ConsortiumCouncil is IConsortiumCouncil, AccessControlEnumerable {
    bytes32 public constant DEPARTMENT_ROLE = keccak256("DEPARTMENT_ROLE");
    /// @notice Bounds the approval count's loop over members.
    uint256 public constant MAX_DEPARTMENTS = 32;

    TimelockController private immutable _timelock;
    uint256 private _threshold;
    bytes32[] private _proposalIds;
    mapping(bytes32 id => Proposal) private _proposals;
    mapping(bytes32 id => mapping(address department => bool)) private _approved;
    mapping(bytes32 id => mapping(address department => bool)) private _cancelVoted;
    mapping(bytes32 id => bool) private _cancelled;

    /// @notice Creates the timelock (`minDelay` seconds) with this council as its only proposer,
    /// executor and canceller; the timelock administers itself and this council.
    constructor(address[] memory departments, uint256 threshold_, uint256 minDelay) {
        address[] memory council = new address[](1);
        council[0] = address(this);
        _timelock = new TimelockController(minDelay, council, council, address(0));
        _grantRole(DEFAULT_ADMIN_ROLE, address(_timelock));
        for (uint256 i = 0; i < departments.length; ++i) {
            if (!_grantRole(DEPARTMENT_ROLE, departments[i])) revert CouncilDuplicateDepartment(departments[i]);
        }
        _setThreshold(threshold_);
    }

    /// @inheritdoc IConsortiumCouncil
    function propose(address target, uint256 value, bytes calldata data, bytes32 salt)
        external
        onlyRole(DEPARTMENT_ROLE)
        returns (bytes32 id)
    {
        id = _timelock.hashOperation(target, value, data, bytes32(0), salt);
        if (_proposals[id].proposer != address(0)) revert CouncilProposalExists(id);
        _proposals[id] = Proposal(target, value, data, salt, msg.sender);
        _proposalIds.push(id);
        emit ProposalCreated(id, msg.sender, target, value, data, salt);
        _approve(id);
    }

    /// @inheritdoc IConsortiumCouncil
    function approve(bytes32 id) external onlyRole(DEPARTMENT_ROLE) {
        _requirePending(id);
        _approve(id);
    }

    /// @inheritdoc IConsortiumCouncil
    function schedule(bytes32 id) external onlyRole(DEPARTMENT_ROLE) {
        _requirePending(id);
        uint256 count = approvals(id);
        if (count < _threshold) revert CouncilNotEnoughApprovals(id, count, _threshold);
        _schedule(id);
    }

    /// @inheritdoc IConsortiumCouncil
    function execute(bytes32 id) external payable onlyRole(DEPARTMENT_ROLE) {
        ProposalState state = proposalState(id);
        if (state != ProposalState.Ready) revert CouncilProposalNotReady(id, state, _readyAt(id));
        Proposal storage p = _proposals[id];
        _timelock.execute{value: msg.value}(p.target, p.value, p.data, bytes32(0), p.salt);
        emit ProposalExecuted(id, msg.sender);
    }

    /// @inheritdoc IConsortiumCouncil
    function cancel(bytes32 id) external onlyRole(DEPARTMENT_ROLE) {
        ProposalState state = proposalState(id);
        if (state == ProposalState.Unknown) revert CouncilUnknownProposal(id);
        if (state == ProposalState.Executed || state == ProposalState.Cancelled) {
            revert CouncilProposalNotCancellable(id, state);
        }
        if (_cancelVoted[id][msg.sender]) revert CouncilAlreadyVotedToCancel(id, msg.sender);
        _cancelVoted[id][msg.sender] = true;
        uint256 votes = _countDepartments(_cancelVoted[id]);
        emit CancellationApproved(id, msg.sender, votes, _threshold);
        if (votes < _threshold) return;
        _cancelled[id] = true;
        if (state != ProposalState.Pending) _timelock.cancel(id);
        emit ProposalCancelled(id);
    }

    /// @inheritdoc IConsortiumCouncil
    function setThreshold(uint256 newThreshold) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setThreshold(newThreshold);
    }

    /// @inheritdoc IConsortiumCouncil
    function threshold() external view returns (uint256) {
        return _threshold;
    }

    /// @inheritdoc IConsortiumCouncil
    function timelock() external view returns (address) {
        return address(_timelock);
    }

    /// @inheritdoc IConsortiumCouncil
    function proposal(bytes32 id) external view returns (Proposal memory) {
        return _proposals[id];
    }

    /// @inheritdoc IConsortiumCouncil
    function proposalState(bytes32 id) public view returns (ProposalState) {
        if (_proposals[id].proposer == address(0)) return ProposalState.Unknown;
        if (_cancelled[id]) return ProposalState.Cancelled;
        TimelockController.OperationState op = _timelock.getOperationState(id);
        if (op == TimelockController.OperationState.Unset) return ProposalState.Pending;
        if (op == TimelockController.OperationState.Waiting) return ProposalState.Waiting;
        if (op == TimelockController.OperationState.Ready) return ProposalState.Ready;
        return ProposalState.Executed;
    }

    /// @inheritdoc IConsortiumCouncil
    function approvals(bytes32 id) public view returns (uint256) {
        return _countDepartments(_approved[id]);
    }

    /// @inheritdoc IConsortiumCouncil
    function hasApproved(bytes32 id, address department) external view returns (bool) {
        return _approved[id][department];
    }

    /// @inheritdoc IConsortiumCouncil
    function cancelVotes(bytes32 id) external view returns (uint256) {
        return _countDepartments(_cancelVoted[id]);
    }

    /// @inheritdoc IConsortiumCouncil
    function hasVotedToCancel(bytes32 id, address department) external view returns (bool) {
        return _cancelVoted[id][department];
    }

    /// @inheritdoc IConsortiumCouncil
    function proposalCount() external view returns (uint256) {
        return _proposalIds.length;
    }

    /// @inheritdoc IConsortiumCouncil
    function proposalIdAt(uint256 index) external view returns (bytes32) {
        return _proposalIds[index];
    }

    function _approve(bytes32 id) private {
        if (_approved[id][msg.sender]) revert CouncilAlreadyApproved(id, msg.sender);
        _approved[id][msg.sender] = true;
        uint256 count = approvals(id);
        emit ProposalApproved(id, msg.sender, count, _threshold);
        if (count >= _threshold) _schedule(id);
    }

    function _requirePending(bytes32 id) private view {
        ProposalState state = proposalState(id);
        if (state == ProposalState.Unknown) revert CouncilUnknownProposal(id);
        if (state != ProposalState.Pending) revert CouncilProposalNotPending(id, state);
    }

    /// @dev Only current departments count: a removed department's votes lapse.
    function _countDepartments(mapping(address department => bool) storage voted)
        private
        view
        returns (uint256 count)
    {
        address[] memory members = getRoleMembers(DEPARTMENT_ROLE);
        for (uint256 i = 0; i < members.length; ++i) {
            if (voted[members[i]]) ++count;
        }
    }

    function _schedule(bytes32 id) private {
        Proposal storage p = _proposals[id];
        uint256 delay = _timelock.getMinDelay();
        _timelock.schedule(p.target, p.value, p.data, bytes32(0), p.salt, delay);
        emit ProposalScheduled(id, block.timestamp + delay);
    }

    function _readyAt(bytes32 id) private view returns (uint256) {
        uint256 timestamp = _timelock.getTimestamp(id);
        return timestamp > 1 ? timestamp : 0; // the timelock marks a done operation with 1
    }

    function _setThreshold(uint256 newThreshold) private {
        uint256 departments = getRoleMemberCount(DEPARTMENT_ROLE);
        if (newThreshold == 0 || newThreshold > departments) {
            revert CouncilInvalidThreshold(newThreshold, departments);
        }
        emit ThresholdChanged(_threshold, newThreshold);
        _threshold = newThreshold;
    }

    /// @dev Keeps membership within MAX_DEPARTMENTS.
    function _grantRole(bytes32 role, address account) internal override returns (bool granted) {
        granted = super._grantRole(role, account);
        if (role == DEPARTMENT_ROLE && getRoleMemberCount(DEPARTMENT_ROLE) > MAX_DEPARTMENTS) {
            revert CouncilTooManyDepartments(MAX_DEPARTMENTS);
        }
    }

    /// @dev A removal (or a department renouncing) never leaves fewer departments than the threshold.
    function _revokeRole(bytes32 role, address account) internal override returns (bool revoked) {
        revoked = super._revokeRole(role, account);
        uint256 departments = getRoleMemberCount(DEPARTMENT_ROLE);
        if (role == DEPARTMENT_ROLE && departments < _threshold) {
            revert CouncilInvalidThreshold(_threshold, departments);
        }
    }
}
