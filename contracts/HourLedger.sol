// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {IHourLedger} from "./interfaces/IHourLedger.sol";
import {ITimeCreditLedger} from "./interfaces/ITimeCreditLedger.sol";
import {IVolunteerRegistry, IVolunteerStatusMirror} from "./interfaces/IVolunteerRegistry.sol";
import {YiCoin} from "./YiCoin.sol";

/// @title HourLedger
/// @notice Accepts hour attestations signed by an attester of the activity's organisation (the
/// registry keeps organisation → attesters), once per session, and owes its 益币.
/// @dev Gas is the product here: one storage slot per (volunteer, activity) holds the minutes of
/// up to 16 sessions, 16 bits each. That one slot is at once the replay guard (a non-zero lane),
/// the cap accounting (the sum of lanes) and the record a revocation reverses, so accepting a
/// session writes one new slot instead of three. Lane values: 0 none, REVOKED, else minutes.
/// A session's 益币 are not minted at once: they are owed, in the volunteer's account slot that
/// accepting writes anyway, and 益币 counts them in balanceOf and mints them (settlePoints) when
/// the account is first debited. That saves a token call, a balance slot and a Transfer per session.
contract HourLedger is IHourLedger, ITimeCreditLedger, IVolunteerStatusMirror, AccessControl, EIP712 {
    bytes32 public constant AUDITOR_ROLE = keccak256("AUDITOR_ROLE");
    uint16 public constant MAX_SESSIONS = 16;
    uint32 public constant MAX_SESSION_MINUTES = 0xFFFE;
    /// @notice Activities of this category serve time-bank withdrawals (see ITimeCreditLedger).
    uint16 public constant TIME_BANK_SERVICE_CATEGORY = 255;
    uint16 private constant BANKABLE_CATEGORIES = 256;

    // keccak256("HourAttestation(address volunteer,uint64 activityId,uint16 session,uint40 checkIn,uint40 checkOut,uint32 serviceMinutes,bytes32 evidenceHash)")
    bytes32 private constant HOUR_ATTESTATION_TYPEHASH = keccak256(
        "HourAttestation(address volunteer,uint64 activityId,uint16 session,uint40 checkIn,uint40 checkOut,uint32 serviceMinutes,bytes32 evidenceHash)"
    );
    // keccak256("HourBatch(bytes32 itemsHash)"), itemsHash = keccak256(abi.encode(items))
    bytes32 private constant HOUR_BATCH_TYPEHASH = keccak256("HourBatch(bytes32 itemsHash)");
    uint256 private constant LANE_BITS = 16;
    uint256 private constant LANE_MASK = 0xFFFF;
    uint256 private constant REVOKED = 0xFFFF;

    IVolunteerRegistry private immutable _registry;
    YiCoin private immutable _yiCoin;
    // One slot: read together when a session is accepted or revoked.
    uint32 private _revocationWindow;
    uint32 private _timeCreditCap;
    address private _timeBank;
    uint256 private _bankedCategories;
    uint256 private _timeCreditPool;
    /// @dev Sum of every account's `pointsOwed`: written once per attest/attestBatch call.
    uint256 private _pointsOwedTotal;
    /// @dev Minutes served, time credits, the registry's copy of the volunteer's status and the
    /// points owed share a slot: accepting a session reads and writes it once.
    mapping(address volunteer => VolunteerAccount) private _accounts;
    mapping(uint64 activityId => address requester) private _serviceRequesters;
    mapping(address volunteer => mapping(uint64 activityId => uint256 lanes)) private _sessions;

    /// @dev What accepting one attestation would do, or why it cannot be accepted. Lives in
    /// memory only, where packing saves nothing.
    // solhint-disable-next-line gas-struct-packing
    struct Verdict {
        Rejection rejection;
        bytes32 uid;
        address signer;
        uint256 lanes;
        uint256 served;
        IVolunteerRegistry.VolunteerStatus status;
        IVolunteerRegistry.Activity terms;
    }

    /// @dev The registry's answer for one activity and one signer, kept while a batch's items
    /// share the activity.
    // solhint-disable-next-line gas-struct-packing
    struct ActivityTerms {
        uint64 activityId;
        IVolunteerRegistry.Activity terms;
        bool signerAttests;
    }

    /// @dev `status` None: not mirrored (registered before the ledger became the registry's
    /// status mirror), so the registry is asked. Widths: time credits never exceed the uint32 cap;
    /// a session adds at most 0xFFFE minutes and below 2^34 points.
    struct VolunteerAccount {
        uint64 minutesServed;
        uint64 timeCredits;
        uint120 pointsOwed;
        IVolunteerRegistry.VolunteerStatus status;
    }

    struct Revocation {
        bytes32 uid;
        uint32 serviceMinutes;
        uint256 burned;
        uint256 unrecovered;
    }

    /// @notice Deploys the ledger and its 益币 token, so the ledger is the source of all its supply.
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
        HourAttestation calldata a = signed.attestation;
        Verdict memory verdict = _screen(a);
        if (verdict.rejection == Rejection.None) {
            // The third value only details the error the enum already reports.
            // slither-disable-next-line unused-return
            (address signer, ECDSA.RecoverError error,) = ECDSA.tryRecover(_digest(a), signed.r, signed.vs);
            verdict.signer = signer;
            if (error != ECDSA.RecoverError.NoError) _reject(verdict, Rejection.InvalidSignature);
            else _judge(a, verdict, _termsFor(a.activityId, signer));
        }
        if (verdict.rejection != Rejection.None) _revertWith(a, verdict);
        uint256 points = _accept(a, verdict);
        if (points != 0) _pointsOwedTotal += points;
        return verdict.uid;
    }

    /// @inheritdoc IHourLedger
    /// @dev One signature for the whole batch; the registry is asked once per run of items of
    /// one activity (the relay sorts a batch by activity).
    function attestBatch(HourAttestation[] calldata items, address attester, bytes32 r, bytes32 vs)
        external
        returns (uint256 accepted)
    {
        bool signed = _isBatchSignedBy(items, attester, r, vs);
        // Zeroed on purpose: activity 0, which has no terms and no attesters, as the registry says.
        // slither-disable-next-line uninitialized-local
        ActivityTerms memory terms;
        // Zero to start with: the points the accepted items owe, added to the total once.
        // slither-disable-next-line uninitialized-local
        uint256 points;
        for (uint256 i; i < items.length; ++i) {
            HourAttestation calldata a = items[i];
            Verdict memory verdict = _screen(a);
            if (verdict.rejection == Rejection.None) {
                verdict.signer = attester;
                if (!signed) {
                    _reject(verdict, Rejection.InvalidSignature);
                } else {
                    if (a.activityId != terms.activityId) terms = _termsFor(a.activityId, attester);
                    _judge(a, verdict, terms);
                }
            }
            if (verdict.rejection == Rejection.None) {
                points += _accept(a, verdict);
                ++accepted;
            } else {
                emit AttestationRejected(verdict.uid, a.volunteer, a.activityId, verdict.rejection);
            }
        }
        if (points != 0) _pointsOwedTotal += points;
    }

    /// @inheritdoc IVolunteerStatusMirror
    function mirrorVolunteerStatus(address volunteer, IVolunteerRegistry.VolunteerStatus status) external {
        if (msg.sender != address(_registry)) revert HourLedgerNotRegistry(msg.sender);
        _accounts[volunteer].status = status;
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
    function settlePoints(address volunteer) external returns (uint256 owed) {
        if (msg.sender != address(_yiCoin)) revert HourLedgerNotYiCoin(msg.sender);
        owed = _accounts[volunteer].pointsOwed;
        if (owed != 0) {
            _accounts[volunteer].pointsOwed = 0;
            _pointsOwedTotal -= owed;
        }
    }

    /// @inheritdoc IHourLedger
    function pointsOwed(address volunteer) external view returns (uint256) {
        return _accounts[volunteer].pointsOwed;
    }

    /// @inheritdoc IHourLedger
    function pointsOwedTotal() external view returns (uint256) {
        return _pointsOwedTotal;
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
        return _accounts[volunteer].minutesServed;
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

    modifier onlyTimeBank() {
        if (msg.sender != _timeBank) revert HourLedgerNotTimeBank(msg.sender);
        _;
    }

    /// @inheritdoc ITimeCreditLedger
    function setTimeCreditTerms(uint256 bankedCategories, uint32 capMinutes) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _bankedCategories = bankedCategories;
        _timeCreditCap = capMinutes;
        emit TimeCreditTermsChanged(bankedCategories, capMinutes);
    }

    /// @inheritdoc ITimeCreditLedger
    function setTimeBank(address timeBank) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (_timeBank != address(0)) revert HourLedgerTimeBankAlreadySet(_timeBank);
        _timeBank = timeBank;
        emit TimeBankSet(timeBank);
    }

    /// @inheritdoc ITimeCreditLedger
    function moveTimeCredits(address from, address to, uint256 creditMinutes) external onlyTimeBank {
        _withdrawCredits(from, creditMinutes);
        _depositCredits(to, creditMinutes);
        emit TimeCreditsMoved(from, to, creditMinutes);
    }

    /// @inheritdoc ITimeCreditLedger
    function exchangeTimeCredits(address from, address to, uint256 creditMinutes) external onlyTimeBank {
        if ((from == address(0)) == (to == address(0))) revert HourLedgerInvalidExchange(from, to);
        if (from != address(0)) {
            _withdrawCredits(from, creditMinutes);
            emit TimeCreditsExchanged(from, false, creditMinutes);
        } else {
            _depositCredits(to, creditMinutes);
            emit TimeCreditsExchanged(to, true, creditMinutes);
        }
    }

    /// @inheritdoc ITimeCreditLedger
    function setServiceRequester(uint64 activityId, address requester) external onlyTimeBank {
        address earlier = _serviceRequesters[activityId];
        if (earlier != address(0)) revert HourLedgerServiceAlreadyRequested(activityId, earlier);
        _serviceRequesters[activityId] = requester;
        emit ServiceRequesterSet(activityId, requester);
    }

    /// @inheritdoc ITimeCreditLedger
    function timeCredits(address account) external view returns (uint256) {
        return account == address(0) ? _timeCreditPool : _accounts[account].timeCredits;
    }

    /// @inheritdoc ITimeCreditLedger
    function timeCreditPool() external view returns (uint256) {
        return _timeCreditPool;
    }

    /// @inheritdoc ITimeCreditLedger
    function timeCreditTerms() external view returns (uint256 bankedCategories, uint32 capMinutes) {
        return (_bankedCategories, _timeCreditCap);
    }

    /// @inheritdoc ITimeCreditLedger
    function serviceRequester(uint64 activityId) external view returns (address) {
        return _serviceRequesters[activityId];
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
    /// 0.0067 益币 per session is not earned; a revocation recomputes exactly what was earned).
    function pointsFor(uint32 serviceMinutes, uint16 pointsPerHour) public pure returns (uint256) {
        return uint256(serviceMinutes) * pointsPerHour * 5 / 3;
    }

    /// @inheritdoc IHourLedger
    function uidOf(address volunteer, uint64 activityId, uint16 session) public pure returns (bytes32) {
        return keccak256(abi.encode(volunteer, activityId, session));
    }

    /// @dev The cheap checks, first, so a resubmitted batch costs little: the session's lane is
    /// the replay guard.
    function _screen(HourAttestation calldata a) private view returns (Verdict memory verdict) {
        verdict.uid = uidOf(a.volunteer, a.activityId, a.session);
        if (a.session >= MAX_SESSIONS) return _reject(verdict, Rejection.SessionOutOfRange);
        if (!_isPlausibleServiceTime(a)) return _reject(verdict, Rejection.InvalidServiceTime);

        verdict.lanes = _sessions[a.volunteer][a.activityId];
        uint256 lane = (verdict.lanes >> (a.session * LANE_BITS)) & LANE_MASK;
        if (lane == REVOKED) return _reject(verdict, Rejection.AlreadyRevoked);
        if (lane != 0) return _reject(verdict, Rejection.AlreadyAccepted);
    }

    /// @dev The activity's terms and whether `signer` attests for its organisation: one registry call.
    function _termsFor(uint64 activityId, address signer) private view returns (ActivityTerms memory terms) {
        terms.activityId = activityId;
        (terms.terms, terms.signerAttests) = _registry.serviceTerms(activityId, signer);
    }

    /// @dev The registry's checks, for an item that passed `_screen` and whose signer is known.
    function _judge(HourAttestation calldata a, Verdict memory verdict, ActivityTerms memory terms) private view {
        verdict.terms = terms.terms;
        if (terms.terms.status == IVolunteerRegistry.ActivityStatus.None) {
            _reject(verdict, Rejection.UnknownActivity);
            return;
        }
        if (!terms.signerAttests) {
            _reject(verdict, Rejection.SignerNotOrganisationAttester);
            return;
        }
        verdict.status = _accounts[a.volunteer].status;
        if (verdict.status == IVolunteerRegistry.VolunteerStatus.None) {
            verdict.status = _registry.volunteerStatus(a.volunteer);
        }
        if (verdict.status != IVolunteerRegistry.VolunteerStatus.Active) {
            _reject(verdict, Rejection.VolunteerNotActive);
            return;
        }
        if (a.checkIn < terms.terms.startsAt || a.checkOut > terms.terms.endsAt) {
            _reject(verdict, Rejection.OutsideActivityWindow);
            return;
        }
        verdict.served = _sumLanes(verdict.lanes);
        if (verdict.served + a.serviceMinutes > terms.terms.minuteCap) _reject(verdict, Rejection.OverMinuteCap);
    }

    /// @dev Whether `attester` signed exactly these items, in this order (EIP-712 `HourBatch`).
    function _isBatchSignedBy(HourAttestation[] calldata items, address attester, bytes32 r, bytes32 vs)
        private
        view
        returns (bool)
    {
        bytes32 digest = _hashTypedDataV4(keccak256(abi.encode(HOUR_BATCH_TYPEHASH, keccak256(abi.encode(items)))));
        // The third value only details the error the enum already reports.
        // slither-disable-next-line unused-return
        (address signer, ECDSA.RecoverError error,) = ECDSA.tryRecover(digest, r, vs);
        return error == ECDSA.RecoverError.NoError && signer == attester && attester != address(0);
    }

    /// @dev Returns the points now owed to the volunteer; the caller adds them to the total once.
    function _accept(HourAttestation calldata a, Verdict memory verdict) private returns (uint256 points) {
        _sessions[a.volunteer][a.activityId] = verdict.lanes | (uint256(a.serviceMinutes) << (a.session * LANE_BITS));
        points = pointsFor(a.serviceMinutes, verdict.terms.pointsPerHour);
        _creditService(verdict.uid, a.volunteer, a.serviceMinutes, verdict.terms.category, points);
        if (verdict.terms.category == TIME_BANK_SERVICE_CATEGORY) {
            _withdrawForService(verdict.uid, a.activityId, a.serviceMinutes);
        }
        emit HoursAttested(
            verdict.uid,
            a.volunteer,
            a.activityId,
            a.session,
            a.checkIn,
            a.checkOut,
            a.serviceMinutes,
            points,
            a.evidenceHash
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
        done.serviceMinutes = uint32(served);
        uint256 points = pointsFor(done.serviceMinutes, terms.pointsPerHour);
        uint256 fromOwed = _reverseService(done.uid, volunteer, done.serviceMinutes, terms.category, points);
        if (fromOwed != 0) _pointsOwedTotal -= fromOwed;
        if (terms.category == TIME_BANK_SERVICE_CATEGORY) _refundService(done.uid, activityId, done.serviceMinutes);
        // Owed points go first; the rest is burned from minted 益币 as far as the volunteer holds them.
        uint256 rest = points - fromOwed;
        done.burned = fromOwed + (rest == 0 ? 0 : _yiCoin.burnRevoked(volunteer, rest));
        done.unrecovered = points - done.burned;
    }

    /// @dev Minutes served, points owed, and credits when the category is banked: one write of
    /// the account.
    function _creditService(bytes32 uid, address volunteer, uint32 serviceMinutes, uint16 category, uint256 points)
        private
    {
        VolunteerAccount memory account = _accounts[volunteer];
        // Cannot overflow: each session adds at most MAX_SESSION_MINUTES to a uint64.
        unchecked {
            account.minutesServed += serviceMinutes;
        }
        account.pointsOwed += uint120(points);
        if (category < BANKABLE_CATEGORIES && (_bankedCategories >> category) & 1 == 1) {
            uint256 room = _roomBelowCap(account.timeCredits);
            uint32 banked = serviceMinutes < room ? serviceMinutes : uint32(room);
            account.timeCredits += banked;
            uint32 toPool = serviceMinutes - banked;
            if (toPool != 0) _timeCreditPool += toPool;
            emit TimeCreditsEarned(uid, volunteer, banked, toPool);
        }
        _accounts[volunteer] = account;
    }

    /// @dev A served withdrawal: the requester pays, the pool honours what the requester lacks.
    function _withdrawForService(bytes32 uid, uint64 activityId, uint32 serviceMinutes) private {
        address requester = _serviceRequesters[activityId];
        if (requester == address(0)) return;
        uint256 held = _accounts[requester].timeCredits;
        uint32 fromRequester = held < serviceMinutes ? uint32(held) : serviceMinutes;
        // Cannot underflow: fromRequester <= held, fromPool <= the pool.
        unchecked {
            _accounts[requester].timeCredits = uint64(held - fromRequester);
        }
        uint32 lacking = serviceMinutes - fromRequester;
        uint256 pool = _timeCreditPool;
        uint32 fromPool = pool < lacking ? uint32(pool) : lacking;
        if (fromPool != 0) _timeCreditPool = pool - fromPool;
        emit TimeCreditsWithdrawn(uid, requester, activityId, fromRequester, fromPool, lacking - fromPool);
    }

    /// @dev Also takes the revoked points from those still owed; returns how many it took.
    function _reverseService(bytes32 uid, address volunteer, uint32 serviceMinutes, uint16 category, uint256 points)
        private
        returns (uint256 fromOwed)
    {
        VolunteerAccount memory account = _accounts[volunteer];
        account.minutesServed -= serviceMinutes;
        fromOwed = points < account.pointsOwed ? points : account.pointsOwed;
        // Cannot underflow: fromOwed <= pointsOwed, which fits a uint120.
        unchecked {
            account.pointsOwed -= uint120(fromOwed);
        }
        if (category < BANKABLE_CATEGORIES && (_bankedCategories >> category) & 1 == 1) {
            uint32 reclaimed = account.timeCredits < serviceMinutes ? uint32(account.timeCredits) : serviceMinutes;
            account.timeCredits -= reclaimed;
            emit TimeCreditsReversed(uid, volunteer, reclaimed, serviceMinutes - reclaimed);
        }
        _accounts[volunteer] = account;
    }

    function _refundService(bytes32 uid, uint64 activityId, uint32 serviceMinutes) private {
        address requester = _serviceRequesters[activityId];
        if (requester == address(0)) return;
        uint256 held = _accounts[requester].timeCredits;
        uint256 room = _roomBelowCap(held);
        uint32 refunded = serviceMinutes < room ? serviceMinutes : uint32(room);
        _accounts[requester].timeCredits = uint64(held + refunded);
        uint32 toPool = serviceMinutes - refunded;
        if (toPool != 0) _timeCreditPool += toPool;
        emit TimeCreditsRefunded(uid, requester, refunded, toPool);
    }

    function _withdrawCredits(address from, uint256 creditMinutes) private {
        uint256 held = from == address(0) ? _timeCreditPool : _accounts[from].timeCredits;
        if (held < creditMinutes) revert HourLedgerTimeCreditsInsufficient(from, held, creditMinutes);
        // Cannot underflow: checked just above.
        unchecked {
            if (from == address(0)) _timeCreditPool = held - creditMinutes;
            else _accounts[from].timeCredits = uint64(held - creditMinutes);
        }
    }

    function _depositCredits(address to, uint256 creditMinutes) private {
        if (to == address(0)) {
            _timeCreditPool += creditMinutes;
            return;
        }
        uint256 held = _accounts[to].timeCredits;
        if (creditMinutes > _roomBelowCap(held)) {
            revert HourLedgerTimeCreditCapReached(to, held, creditMinutes, _timeCreditCap);
        }
        _accounts[to].timeCredits = uint64(held + creditMinutes);
    }

    /// @dev The cap may have been lowered below a balance: such an account takes nothing more.
    function _roomBelowCap(uint256 held) private view returns (uint256) {
        uint256 cap = _timeCreditCap;
        return held >= cap ? 0 : cap - held;
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
