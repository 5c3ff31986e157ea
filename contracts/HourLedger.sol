// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {IHourLedger} from "./interfaces/IHourLedger.sol";
import {IVolunteerRegistry} from "./interfaces/IVolunteerRegistry.sol";
import {YiCoin} from "./YiCoin.sol";

/// @title HourLedger
/// @notice Accepts hour attestations signed by an attester of the activity's organisation (the
/// registry keeps organisation → attesters), once per session, and mints 益币.
/// @dev Gas is the product here: one storage slot per (volunteer, activity) holds the minutes of
/// up to 16 sessions, 16 bits each. That one slot is at once the replay guard (a non-zero lane),
/// the cap accounting (the sum of lanes) and the record a revocation reverses, so accepting a
/// session writes one new slot instead of three. Lane values: 0 none, REVOKED, else minutes.
contract HourLedger is IHourLedger, AccessControl, EIP712 {
    bytes32 public constant AUDITOR_ROLE = keccak256("AUDITOR_ROLE");
    uint16 public constant MAX_SESSIONS = 16;
    uint32 public constant MAX_SESSION_MINUTES = 0xFFFE;

    // keccak256("HourAttestation(address volunteer,uint64 activityId,uint16 session,uint40 checkIn,uint40 checkOut,uint32 serviceMinutes,bytes32 evidenceHash)")
    bytes32 private constant HOUR_ATTESTATION_TYPEHASH = keccak256(
        "HourAttestation(address volunteer,uint64 activityId,uint16 session,uint40 checkIn,uint40 checkOut,uint32 serviceMinutes,bytes32 evidenceHash)"
    );
    uint256 private constant LANE_BITS = 16;
    uint256 private constant LANE_MASK = 0xFFFF;
    uint256 private constant REVOKED = 0xFFFF;

    IVolunteerRegistry private immutable _registry;
    YiCoin private immutable _yiCoin;
    uint32 private _revocationWindow;
    mapping(address volunteer => uint256) private _minutesServed;
    mapping(address volunteer => mapping(uint64 activityId => uint256 lanes)) private _sessions;

    /// @dev What accepting one attestation would do, or why it cannot be accepted.
    struct Verdict {
        Rejection rejection;
        bytes32 uid;
        address signer;
        uint256 lanes;
        uint256 served;
        IVolunteerRegistry.VolunteerStatus status;
        IVolunteerRegistry.Activity terms;
        bool signerAttests;
    }

    struct Revocation {
        bytes32 uid;
        uint32 serviceMinutes;
        uint256 burned;
        uint256 unrecovered;
    }

    /// @notice Deploys the ledger and its 益币 token, so the ledger is the token's only minter.
    constructor(address admin, IVolunteerRegistry registry, uint32 revocationWindow_)
        EIP712("Yilian HourLedger", "1")
    {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _registry = registry;
        _yiCoin = new YiCoin(admin);
        _revocationWindow = revocationWindow_;
        emit RevocationWindowChanged(0, revocationWindow_);
    }

    /// @inheritdoc IHourLedger
    function attest(SignedHourAttestation calldata signed) external returns (bytes32) {
        Verdict memory verdict = _evaluate(signed);
        if (verdict.rejection != Rejection.None) _revertWith(signed.attestation, verdict);
        _accept(signed.attestation, verdict);
        return verdict.uid;
    }

    /// @inheritdoc IHourLedger
    function attestBatch(SignedHourAttestation[] calldata batch) external returns (uint256 accepted) {
        for (uint256 i; i < batch.length; ++i) {
            HourAttestation calldata attestation = batch[i].attestation;
            Verdict memory verdict = _evaluate(batch[i]);
            if (verdict.rejection == Rejection.None) {
                _accept(attestation, verdict);
                ++accepted;
            } else {
                emit AttestationRejected(
                    verdict.uid, attestation.volunteer, attestation.activityId, verdict.rejection
                );
            }
        }
    }

    /// @inheritdoc IHourLedger
    function revoke(address volunteer, uint64 activityId, uint16 session, string calldata reason)
        external
        onlyRole(AUDITOR_ROLE)
    {
        Revocation memory done = _revoke(volunteer, activityId, session);
        emit HoursRevoked(
            done.uid, volunteer, activityId, done.serviceMinutes, done.burned, done.unrecovered, msg.sender, reason
        );
    }

    /// @inheritdoc IHourLedger
    function setRevocationWindow(uint32 newWindow) external onlyRole(DEFAULT_ADMIN_ROLE) {
        emit RevocationWindowChanged(_revocationWindow, newWindow);
        _revocationWindow = newWindow;
    }

    /// @inheritdoc IHourLedger
    function revocationWindow() external view returns (uint32) {
        return _revocationWindow;
    }

    /// @inheritdoc IHourLedger
    function minutesServed(address volunteer) external view returns (uint256) {
        return _minutesServed[volunteer];
    }

    /// @inheritdoc IHourLedger
    function minutesInActivity(address volunteer, uint64 activityId) external view returns (uint32) {
        return uint32(_sumLanes(_sessions[volunteer][activityId]));
    }

    /// @inheritdoc IHourLedger
    function attestationOf(address volunteer, uint64 activityId, uint16 session)
        external
        view
        returns (bytes32 uid, AttestationStatus status, uint32 serviceMinutes)
    {
        uid = uidOf(volunteer, activityId, session);
        if (session >= MAX_SESSIONS) return (uid, AttestationStatus.None, 0);
        uint256 lane = (_sessions[volunteer][activityId] >> (session * LANE_BITS)) & LANE_MASK;
        if (lane == REVOKED) return (uid, AttestationStatus.Revoked, 0);
        if (lane == 0) return (uid, AttestationStatus.None, 0);
        return (uid, AttestationStatus.Accepted, uint32(lane));
    }

    function registry() external view returns (IVolunteerRegistry) {
        return _registry;
    }

    function yiCoin() external view returns (YiCoin) {
        return _yiCoin;
    }

    /// @notice The EIP-712 domain separator attestations are signed under.
    function domainSeparator() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    /// @inheritdoc IHourLedger
    /// @dev 益币 has 2 decimals: minutes × pointsPerHour × 100 / 60, rounded down (at most
    /// 0.0067 益币 per session is not minted; a revocation recomputes exactly what was minted).
    function pointsFor(uint32 serviceMinutes, uint16 pointsPerHour) public pure returns (uint256) {
        return uint256(serviceMinutes) * pointsPerHour * 5 / 3;
    }

    /// @inheritdoc IHourLedger
    function uidOf(address volunteer, uint64 activityId, uint16 session) public pure returns (bytes32) {
        return keccak256(abi.encode(volunteer, activityId, session));
    }

    /// @dev Cheap checks first, so a resubmitted batch costs little; the signature and the
    /// registry's terms last.
    function _evaluate(SignedHourAttestation calldata signed) private view returns (Verdict memory verdict) {
        HourAttestation calldata a = signed.attestation;
        verdict.uid = uidOf(a.volunteer, a.activityId, a.session);
        if (a.session >= MAX_SESSIONS) return _reject(verdict, Rejection.SessionOutOfRange);
        if (!_isPlausibleServiceTime(a)) return _reject(verdict, Rejection.InvalidServiceTime);

        verdict.lanes = _sessions[a.volunteer][a.activityId];
        uint256 lane = (verdict.lanes >> (a.session * LANE_BITS)) & LANE_MASK;
        if (lane == REVOKED) return _reject(verdict, Rejection.AlreadyRevoked);
        if (lane != 0) return _reject(verdict, Rejection.AlreadyAccepted);

        (address signer, ECDSA.RecoverError error,) = ECDSA.tryRecover(_digest(a), signed.r, signed.vs);
        if (error != ECDSA.RecoverError.NoError) return _reject(verdict, Rejection.InvalidSignature);
        verdict.signer = signer;

        // One registry call: the signer's right is read with the terms, in the activity's organisation.
        (verdict.status, verdict.terms, verdict.signerAttests) =
            _registry.serviceTerms(a.volunteer, a.activityId, signer);
        if (verdict.terms.status == IVolunteerRegistry.ActivityStatus.None) {
            return _reject(verdict, Rejection.UnknownActivity);
        }
        if (!verdict.signerAttests) return _reject(verdict, Rejection.SignerNotOrganisationAttester);
        if (verdict.status != IVolunteerRegistry.VolunteerStatus.Active) {
            return _reject(verdict, Rejection.VolunteerNotActive);
        }
        if (a.checkIn < verdict.terms.startsAt || a.checkOut > verdict.terms.endsAt) {
            return _reject(verdict, Rejection.OutsideActivityWindow);
        }
        verdict.served = _sumLanes(verdict.lanes);
        if (verdict.served + a.serviceMinutes > verdict.terms.minuteCap) return _reject(verdict, Rejection.OverMinuteCap);
    }

    function _accept(HourAttestation calldata a, Verdict memory verdict) private {
        _sessions[a.volunteer][a.activityId] = verdict.lanes | (uint256(a.serviceMinutes) << (a.session * LANE_BITS));
        // Cannot overflow: each session adds at most MAX_SESSION_MINUTES.
        unchecked {
            _minutesServed[a.volunteer] += a.serviceMinutes;
        }
        uint256 points = pointsFor(a.serviceMinutes, verdict.terms.pointsPerHour);
        if (points != 0) _yiCoin.mint(a.volunteer, points);
        emit HoursAttested(
            verdict.uid,
            a.volunteer,
            a.activityId,
            a.session,
            a.checkIn,
            a.checkOut,
            a.serviceMinutes,
            points,
            a.evidenceHash,
            verdict.signer
        );
    }

    function _revoke(address volunteer, uint64 activityId, uint16 session)
        private
        returns (Revocation memory done)
    {
        done.uid = uidOf(volunteer, activityId, session);
        if (session >= MAX_SESSIONS) revert HourLedgerNotAccepted(done.uid);
        uint256 lanes = _sessions[volunteer][activityId];
        uint256 shift = session * LANE_BITS;
        uint256 served = (lanes >> shift) & LANE_MASK;
        if (served == REVOKED) revert HourLedgerAlreadyRevoked(done.uid);
        if (served == 0) revert HourLedgerNotAccepted(done.uid);
        IVolunteerRegistry.Activity memory terms = _registry.activity(activityId);
        uint256 closesAt = uint256(terms.endsAt) + _revocationWindow;
        if (block.timestamp > closesAt) revert HourLedgerRevocationWindowClosed(done.uid, closesAt, block.timestamp);

        _sessions[volunteer][activityId] = lanes | (REVOKED << shift);
        _minutesServed[volunteer] -= served;
        done.serviceMinutes = uint32(served);
        uint256 points = pointsFor(done.serviceMinutes, terms.pointsPerHour);
        done.burned = points == 0 ? 0 : _yiCoin.burnRevoked(volunteer, points);
        done.unrecovered = points - done.burned;
    }

    function _revertWith(HourAttestation calldata a, Verdict memory v) private pure {
        Rejection r = v.rejection;
        if (r == Rejection.SessionOutOfRange) revert HourLedgerSessionOutOfRange(a.session, MAX_SESSIONS);
        if (r == Rejection.InvalidServiceTime) revert HourLedgerInvalidServiceTime(a.checkIn, a.checkOut, a.serviceMinutes);
        if (r == Rejection.AlreadyRevoked) revert HourLedgerAlreadyRevoked(v.uid);
        if (r == Rejection.AlreadyAccepted) revert HourLedgerAlreadyAccepted(v.uid);
        if (r == Rejection.InvalidSignature) revert HourLedgerInvalidSignature();
        if (r == Rejection.SignerNotOrganisationAttester) {
            revert HourLedgerSignerNotOrganisationAttester(v.signer, a.activityId, v.terms.organisationId);
        }
        if (r == Rejection.VolunteerNotActive) revert HourLedgerVolunteerNotActive(a.volunteer, v.status);
        if (r == Rejection.UnknownActivity) revert HourLedgerUnknownActivity(a.activityId);
        if (r == Rejection.OutsideActivityWindow) {
            revert HourLedgerOutsideActivityWindow(
                a.activityId, a.checkIn, a.checkOut, v.terms.startsAt, v.terms.endsAt
            );
        }
        revert HourLedgerOverMinuteCap(a.volunteer, a.activityId, uint32(v.served), a.serviceMinutes, v.terms.minuteCap);
    }

    function _digest(HourAttestation calldata a) private view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(
                abi.encode(
                    HOUR_ATTESTATION_TYPEHASH,
                    a.volunteer,
                    a.activityId,
                    a.session,
                    a.checkIn,
                    a.checkOut,
                    a.serviceMinutes,
                    a.evidenceHash
                )
            )
        );
    }

    /// @dev Service minutes are whole minutes of time on site: positive, within the session.
    function _isPlausibleServiceTime(HourAttestation calldata a) private pure returns (bool) {
        return a.checkOut > a.checkIn && a.serviceMinutes != 0 && a.serviceMinutes <= MAX_SESSION_MINUTES
            && a.serviceMinutes <= (a.checkOut - a.checkIn) / 60;
    }

    function _reject(Verdict memory verdict, Rejection rejection) private pure returns (Verdict memory) {
        verdict.rejection = rejection;
        return verdict;
    }

    /// @dev Minutes of the accepted (not revoked) sessions in a slot of lanes.
    function _sumLanes(uint256 lanes) private pure returns (uint256 total) {
        for (; lanes != 0; lanes >>= LANE_BITS) {
            uint256 lane = lanes & LANE_MASK;
            if (lane != REVOKED) total += lane;
        }
    }
}
