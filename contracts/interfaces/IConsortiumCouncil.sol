// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title Consortium council: m of n departments approve every change to the rules.
/// @notice The council is the only proposer and executor of its `TimelockController`, and the
/// timelock holds the admin roles of every Yilian contract. A department proposes a call (any
/// admin function of any contract: role grants, points ceilings, the revocation window, pauses);
/// when `threshold` distinct departments have approved it, the council schedules it on the
/// timelock; after the timelock's delay any department executes it. Until then `threshold`
/// departments can cancel it: the delay is the consortium's time to look at a change before it
/// applies. Membership changes (adding or removing a department: `grantRole`/`revokeRole` of
/// `DEPARTMENT_ROLE`; `setThreshold`) are admin calls of the council itself, whose admin is the
/// timelock: they go the same way.
/// A proposal's id is the timelock's operation id: `hashOperation(target, value, data, 0, salt)`.
interface IConsortiumCouncil {
    /// @notice Where a proposal stands. `Waiting`: scheduled, the delay has not passed.
    enum ProposalState {
        Unknown,
        Pending, // collecting approvals
        Waiting,
        Ready,
        Executed,
        Cancelled
    }

    struct Proposal {
        address target;
        uint256 value;
        bytes data;
        bytes32 salt;
        address proposer;
    }

    event ProposalCreated(
        bytes32 indexed id, address indexed department, address indexed target, uint256 value, bytes data, bytes32 salt
    );
    /// @notice `approvals` counts the departments that are members now and have approved.
    event ProposalApproved(bytes32 indexed id, address indexed department, uint256 approvals, uint256 threshold);
    event ProposalScheduled(bytes32 indexed id, uint256 readyAt);
    event ProposalExecuted(bytes32 indexed id, address indexed department);
    /// @notice `votes` counts the current departments that asked to cancel.
    event CancellationApproved(bytes32 indexed id, address indexed department, uint256 votes, uint256 threshold);
    event ProposalCancelled(bytes32 indexed id);
    event ThresholdChanged(uint256 previousThreshold, uint256 newThreshold);

    /// @notice The same call with the same salt was proposed before (a replay): choose a new salt.
    error CouncilProposalExists(bytes32 id);
    error CouncilUnknownProposal(bytes32 id);
    /// @notice A department approves a proposal once.
    error CouncilAlreadyApproved(bytes32 id, address department);
    /// @notice Approvals are closed: the proposal is scheduled, executed or cancelled.
    error CouncilProposalNotPending(bytes32 id, ProposalState state);
    error CouncilAlreadyVotedToCancel(bytes32 id, address department);
    /// @notice Only a proposal not yet executed (nor cancelled) can be cancelled.
    error CouncilProposalNotCancellable(bytes32 id, ProposalState state);
    error CouncilNotEnoughApprovals(bytes32 id, uint256 approvals, uint256 threshold);
    /// @notice Execution needs state `Ready`; `readyAt` is 0 while unscheduled.
    error CouncilProposalNotReady(bytes32 id, ProposalState state, uint256 readyAt);
    /// @notice A threshold lies in 1..departments, whatever the change (threshold or membership).
    error CouncilInvalidThreshold(uint256 threshold, uint256 departments);
    error CouncilTooManyDepartments(uint256 limit);
    error CouncilDuplicateDepartment(address department);

    /// @notice A department proposes `target.call{value}(data)`; its proposal counts as its
    /// approval (and is scheduled at once if the threshold is 1). Returns the proposal id.
    function propose(address target, uint256 value, bytes calldata data, bytes32 salt) external returns (bytes32);

    /// @notice A department approves; the approval that reaches the threshold schedules it.
    function approve(bytes32 id) external;

    /// @notice Schedules a proposal that has enough approvals but is not yet scheduled (possible
    /// after the threshold was lowered).
    function schedule(bytes32 id) external;

    /// @notice A department executes a proposal whose delay has passed; forwards `msg.value`.
    function execute(bytes32 id) external payable;

    /// @notice A department votes to cancel a proposal not yet executed; the vote that reaches
    /// the threshold cancels it (on the timelock too, if it was scheduled).
    function cancel(bytes32 id) external;

    /// @notice Only the timelock (that is, the council itself) changes the threshold.
    function setThreshold(uint256 newThreshold) external;

    function threshold() external view returns (uint256);

    function timelock() external view returns (address);

    function proposal(bytes32 id) external view returns (Proposal memory);

    function proposalState(bytes32 id) external view returns (ProposalState);

    /// @notice Approvals by departments that are members now (a removed department's no longer counts).
    function approvals(bytes32 id) external view returns (uint256);

    function hasApproved(bytes32 id, address department) external view returns (bool);

    /// @notice Votes to cancel by departments that are members now.
    function cancelVotes(bytes32 id) external view returns (uint256);

    function hasVotedToCancel(bytes32 id, address department) external view returns (bool);

    function proposalCount() external view returns (uint256);

    /// @notice Proposal ids in the order they were made, for listing without a log scan.
    function proposalIdAt(uint256 index) external view returns (bytes32);
}
