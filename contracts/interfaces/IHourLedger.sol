// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IVolunteerRegistry} from "./IVolunteerRegistry.sol";

/// @title Hour ledger: EIP-712 hour attestations, accepted once, turned into minutes and 益币.
/// @notice An attestation records one session: a volunteer's n-th check-in/check-out in an
/// activity. Its uid is derived, `keccak256(abi.encode(volunteer, activityId, session))`, so the
/// chain itself guarantees one record per session, whoever signs or submits. A volunteer has at
/// most `MAX_SESSIONS` sessions in one activity; longer programmes are split into activities.
interface IHourLedger {
    enum AttestationStatus {
        None,
        Accepted,
        Revoked
    }

    /// @notice Why a batch item was not accepted. A batch never reverts for one bad item.
    enum Rejection {
        None,
        InvalidSignature,
        SignerNotOrganisationAttester, // the signer is not an attester of the activity's organisation
        AlreadyAccepted, // a replay of an accepted session: the record is already on chain
        AlreadyRevoked,
        SessionOutOfRange,
        InvalidServiceTime,
        VolunteerNotActive,
        UnknownActivity,
        OutsideActivityWindow,
        OverMinuteCap
    }

    /// @dev EIP-712 type:
    /// HourAttestation(address volunteer,uint64 activityId,uint16 session,uint40 checkIn,
    ///                 uint40 checkOut,uint32 serviceMinutes,bytes32 evidenceHash)
    struct HourAttestation {
        address volunteer;
        uint64 activityId;
        uint16 session;
        uint40 checkIn;
        uint40 checkOut;
        uint32 serviceMinutes;
        bytes32 evidenceHash; // hash of the off-chain evidence bundle (location, code, face assertion)
    }

    /// @dev The attester's signature in EIP-2098 compact form (r, yParity|s): 32 bytes less calldata.
    struct SignedHourAttestation {
        HourAttestation attestation;
        bytes32 r;
        bytes32 vs;
    }

    /// @notice The signer is not repeated here: it is in the transaction's input (`attestBatch`'s
    /// `attester`, checked against the batch signature; `attest`'s signature recovers it).
    event HoursAttested(
        bytes32 indexed uid,
        address indexed volunteer,
        uint64 indexed activityId,
        uint16 session,
        uint40 checkIn,
        uint40 checkOut,
        uint32 serviceMinutes,
        uint256 points,
        bytes32 evidenceHash
    );
    event AttestationRejected(
        bytes32 indexed uid, address indexed volunteer, uint64 indexed activityId, Rejection reason
    );
    /// @notice `pointsUnrecovered` were already spent at merchants and stay with them.
    event HoursRevoked(
        bytes32 indexed uid,
        address indexed volunteer,
        uint64 indexed activityId,
        uint32 serviceMinutes,
        uint256 pointsBurned,
        uint256 pointsUnrecovered,
        address auditor,
        string reason
    );
    event RevocationWindowChanged(uint32 previousWindow, uint32 newWindow);

    error HourLedgerInvalidSignature();
    error HourLedgerSignerNotOrganisationAttester(address signer, uint64 activityId, uint64 organisationId);
    error HourLedgerAlreadyAccepted(bytes32 uid);
    error HourLedgerAlreadyRevoked(bytes32 uid);
    error HourLedgerSessionOutOfRange(uint16 session, uint16 maxSessions);
    error HourLedgerInvalidServiceTime(uint40 checkIn, uint40 checkOut, uint32 serviceMinutes);
    error HourLedgerVolunteerNotActive(address volunteer, IVolunteerRegistry.VolunteerStatus status);
    error HourLedgerUnknownActivity(uint64 activityId);
    error HourLedgerOutsideActivityWindow(
        uint64 activityId, uint40 checkIn, uint40 checkOut, uint40 startsAt, uint40 endsAt
    );
    error HourLedgerOverMinuteCap(
        address volunteer, uint64 activityId, uint32 alreadyServed, uint32 serviceMinutes, uint32 minuteCap
    );
    error HourLedgerNotAccepted(bytes32 uid);
    error HourLedgerRevocationWindowClosed(bytes32 uid, uint256 closedAt, uint256 currentTime);
    error HourLedgerNotRegistry(address caller);
    error HourLedgerNotYiCoin(address caller);

    /// @notice Accepts one attestation or reverts with the reason. Anyone may submit; the
    /// signer must be an attester of the activity's organisation in the registry.
    function attest(SignedHourAttestation calldata signed) external returns (bytes32 uid);

    /// @notice The normal path: one organisation attester's EIP-712 signature over the whole batch,
    /// `HourBatch(bytes32 itemsHash)` with `itemsHash = keccak256(abi.encode(items))`. Accepts every
    /// valid item; each item emits `HoursAttested` or `AttestationRejected`, so one bad item never
    /// sinks the others. A signature that is not `attester`'s over exactly these items rejects
    /// every item not already settled as `InvalidSignature`; an item whose activity belongs to an
    /// organisation `attester` does not attest for is rejected `SignerNotOrganisationAttester`.
    function attestBatch(HourAttestation[] calldata items, address attester, bytes32 r, bytes32 vs)
        external
        returns (uint256 accepted);

    /// @notice Auditor correction: marks the session revoked, subtracts its minutes and takes back
    /// its points, as far as the volunteer still holds them: first from the points owed, then by
    /// burning minted 益币. Allowed until `revocationWindow` seconds after the activity's end.
    function revoke(address volunteer, uint64 activityId, uint16 session, string calldata reason)
        external;

    /// @notice Hands 益币 the volunteer's owed points to mint, before it debits the volunteer;
    /// they are no longer owed. Only 益币.
    function settlePoints(address volunteer) external returns (uint256 owed);

    function setRevocationWindow(uint32 newWindow) external;

    function revocationWindow() external view returns (uint32);

    function minutesServed(address volunteer) external view returns (uint256);

    /// @notice Points of accepted sessions not yet minted; 益币's balanceOf includes them.
    function pointsOwed(address volunteer) external view returns (uint256);

    /// @notice The sum of every volunteer's `pointsOwed`; 益币's totalSupply includes it.
    function pointsOwedTotal() external view returns (uint256);

    function minutesInActivity(address volunteer, uint64 activityId) external view returns (uint32);

    function attestationOf(address volunteer, uint64 activityId, uint16 session)
        external
        view
        returns (bytes32 uid, AttestationStatus status, uint32 serviceMinutes);

    /// @notice 益币 base units earned for `minutes` at `pointsPerHour` (2 decimals, rounded down).
    function pointsFor(uint32 serviceMinutes, uint16 pointsPerHour) external pure returns (uint256);

    function uidOf(address volunteer, uint64 activityId, uint16 session) external pure returns (bytes32);
}
