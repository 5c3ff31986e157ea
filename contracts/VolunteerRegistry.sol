// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IVolunteerRegistry, IVolunteerStatusMirror} from "./interfaces/IVolunteerRegistry.sol";

/// @title VolunteerRegistry
/// @notice Organisations, volunteers and activities. Registrars (the relay's chain account, the
/// civil-affairs office) register organisations and volunteers; an organisation's managers run
/// its activities and, with the registrars, choose its attesters (the keys that sign its hours).
contract VolunteerRegistry is IVolunteerRegistry, AccessControl {
    bytes32 public constant REGISTRAR_ROLE = keccak256("REGISTRAR_ROLE");
    /// @notice The points ceiling at deployment: 10 益币 an hour is common practice (Kunshan).
    uint16 public constant INITIAL_POINTS_CEILING = 100;

    // One slot: createActivity reads the ceiling with the activity count it updates anyway.
    uint64 private _organisationCount;
    uint64 private _activityCount;
    uint16 private _pointsCeiling;
    mapping(uint64 organisationId => bytes32 profileHash) private _organisations;
    mapping(uint64 organisationId => mapping(address account => bool)) private _managers;
    mapping(uint64 organisationId => mapping(address account => bool)) private _attesters;
    mapping(address account => Volunteer) private _volunteers;
    mapping(bytes32 identityHash => address account) private _identities;
    mapping(uint64 activityId => Activity) private _activities;
    IVolunteerStatusMirror private _statusMirror;

    constructor(address admin) {
        if (admin == address(0)) revert RegistryZeroAddress();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _pointsCeiling = INITIAL_POINTS_CEILING;
        emit PointsCeilingChanged(0, INITIAL_POINTS_CEILING);
    }

    modifier onlyManagerOf(uint64 organisationId) {
        _requireOrganisation(organisationId);
        if (!_managers[organisationId][msg.sender]) {
            revert RegistryNotOrganisationManager(organisationId, msg.sender);
        }
        _;
    }

    modifier onlyManagerOrRegistrar(uint64 organisationId) {
        _requireOrganisation(organisationId);
        if (!_managers[organisationId][msg.sender] && !hasRole(REGISTRAR_ROLE, msg.sender)) {
            revert RegistryNotOrganisationManager(organisationId, msg.sender);
        }
        _;
    }

    /// @inheritdoc IVolunteerRegistry
    function createOrganisation(bytes32 profileHash)
        external
        onlyRole(REGISTRAR_ROLE)
        returns (uint64 organisationId)
    {
        organisationId = ++_organisationCount;
        _organisations[organisationId] = profileHash;
        emit OrganisationCreated(organisationId, profileHash);
    }

    /// @inheritdoc IVolunteerRegistry
    function addOrganisationManager(uint64 organisationId, address account) external onlyRole(REGISTRAR_ROLE) {
        _requireOrganisation(organisationId);
        if (account == address(0)) revert RegistryZeroAddress();
        _managers[organisationId][account] = true;
        emit OrganisationManagerAdded(organisationId, account);
    }

    /// @inheritdoc IVolunteerRegistry
    function removeOrganisationManager(uint64 organisationId, address account)
        external
        onlyRole(REGISTRAR_ROLE)
    {
        _requireOrganisation(organisationId);
        delete _managers[organisationId][account];
        emit OrganisationManagerRemoved(organisationId, account);
    }

    /// @inheritdoc IVolunteerRegistry
    function addOrganisationAttester(uint64 organisationId, address account)
        external
        onlyManagerOrRegistrar(organisationId)
    {
        if (account == address(0)) revert RegistryZeroAddress();
        _attesters[organisationId][account] = true;
        emit OrganisationAttesterAdded(organisationId, account, msg.sender);
    }

    /// @inheritdoc IVolunteerRegistry
    function removeOrganisationAttester(uint64 organisationId, address account)
        external
        onlyManagerOrRegistrar(organisationId)
    {
        delete _attesters[organisationId][account];
        emit OrganisationAttesterRemoved(organisationId, account, msg.sender);
    }

    /// @inheritdoc IVolunteerRegistry
    function setPointsCeiling(uint16 newCeiling) external onlyRole(DEFAULT_ADMIN_ROLE) {
        emit PointsCeilingChanged(_pointsCeiling, newCeiling);
        _pointsCeiling = newCeiling;
    }

    /// @inheritdoc IVolunteerRegistry
    function registerVolunteer(address account, bytes32 identityHash) external onlyRole(REGISTRAR_ROLE) {
        if (account == address(0)) revert RegistryZeroAddress();
        if (identityHash == bytes32(0)) revert RegistryEmptyIdentityHash(account);
        if (_volunteers[account].status != VolunteerStatus.None) {
            revert RegistryVolunteerAlreadyRegistered(account);
        }
        address registered = _identities[identityHash];
        if (registered != address(0)) revert RegistryIdentityAlreadyRegistered(identityHash, registered);
        _identities[identityHash] = account;
        _volunteers[account] = Volunteer(VolunteerStatus.Active, uint40(block.timestamp), identityHash);
        emit VolunteerRegistered(account, identityHash);
        _mirror(account, VolunteerStatus.Active);
    }

    /// @inheritdoc IVolunteerRegistry
    function suspendVolunteer(address account, string calldata reason) external onlyRole(REGISTRAR_ROLE) {
        _setVolunteerStatus(account, VolunteerStatus.Suspended);
        emit VolunteerSuspended(account, reason);
    }

    /// @inheritdoc IVolunteerRegistry
    function reinstateVolunteer(address account) external onlyRole(REGISTRAR_ROLE) {
        _setVolunteerStatus(account, VolunteerStatus.Active);
        emit VolunteerReinstated(account);
    }

    /// @inheritdoc IVolunteerRegistry
    function createActivity(
        uint64 organisationId,
        uint16 category,
        uint40 startsAt,
        uint40 endsAt,
        uint32 minuteCap,
        uint16 pointsPerHour
    ) external onlyManagerOf(organisationId) returns (uint64 activityId) {
        if (endsAt <= startsAt) revert RegistryInvalidActivityWindow(startsAt, endsAt);
        if (minuteCap == 0) revert RegistryInvalidActivityTerms(minuteCap, pointsPerHour);
        if (pointsPerHour > _pointsCeiling) revert RegistryPointsAboveCeiling(pointsPerHour, _pointsCeiling);
        activityId = ++_activityCount;
        _activities[activityId] =
            Activity(organisationId, startsAt, endsAt, minuteCap, pointsPerHour, category, ActivityStatus.Open);
        emit ActivityCreated(activityId, organisationId, category, startsAt, endsAt, minuteCap, pointsPerHour);
    }

    /// @inheritdoc IVolunteerRegistry
    function closeActivity(uint64 activityId) external {
        Activity storage closing = _activities[activityId];
        if (closing.status == ActivityStatus.None) revert RegistryUnknownActivity(activityId);
        if (!_managers[closing.organisationId][msg.sender]) {
            revert RegistryNotOrganisationManager(closing.organisationId, msg.sender);
        }
        if (closing.status == ActivityStatus.Closed) revert RegistryActivityAlreadyClosed(activityId);
        // Service already done stays attestable; nothing after the close can be.
        if (closing.endsAt > block.timestamp) closing.endsAt = uint40(block.timestamp);
        closing.status = ActivityStatus.Closed;
        emit ActivityClosed(activityId, closing.endsAt);
    }

    /// @inheritdoc IVolunteerRegistry
    function organisationCount() external view returns (uint64) {
        return _organisationCount;
    }

    /// @inheritdoc IVolunteerRegistry
    function organisationProfile(uint64 organisationId) external view returns (bytes32) {
        _requireOrganisation(organisationId);
        return _organisations[organisationId];
    }

    /// @inheritdoc IVolunteerRegistry
    function isOrganisationManager(uint64 organisationId, address account) external view returns (bool) {
        return _managers[organisationId][account];
    }

    /// @inheritdoc IVolunteerRegistry
    function isOrganisationAttester(uint64 organisationId, address account) external view returns (bool) {
        return _attesters[organisationId][account];
    }

    /// @inheritdoc IVolunteerRegistry
    function pointsCeiling() external view returns (uint16) {
        return _pointsCeiling;
    }

    /// @inheritdoc IVolunteerRegistry
    function volunteer(address account) external view returns (Volunteer memory) {
        return _volunteers[account];
    }

    /// @inheritdoc IVolunteerRegistry
    function volunteerOfIdentity(bytes32 identityHash) external view returns (address) {
        return _identities[identityHash];
    }

    /// @inheritdoc IVolunteerRegistry
    function activityCount() external view returns (uint64) {
        return _activityCount;
    }

    /// @inheritdoc IVolunteerRegistry
    function activity(uint64 activityId) external view returns (Activity memory) {
        return _activities[activityId];
    }

    /// @inheritdoc IVolunteerRegistry
    /// @dev An unknown activity has organisation 0, which has no attesters.
    function serviceTerms(uint64 activityId, address signer)
        external
        view
        returns (Activity memory terms, bool signerAttests)
    {
        terms = _activities[activityId];
        return (terms, _attesters[terms.organisationId][signer]);
    }

    /// @inheritdoc IVolunteerRegistry
    function volunteerStatus(address account) external view returns (VolunteerStatus) {
        return _volunteers[account].status;
    }

    /// @inheritdoc IVolunteerRegistry
    function setStatusMirror(IVolunteerStatusMirror mirror) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (address(mirror) == address(0)) revert RegistryZeroAddress();
        if (address(_statusMirror) != address(0)) revert RegistryStatusMirrorAlreadySet(address(_statusMirror));
        _statusMirror = mirror;
        emit StatusMirrorSet(address(mirror));
    }

    /// @inheritdoc IVolunteerRegistry
    function statusMirror() external view returns (IVolunteerStatusMirror) {
        return _statusMirror;
    }

    function _setVolunteerStatus(address account, VolunteerStatus status) private {
        Volunteer storage record = _volunteers[account];
        if (record.status == VolunteerStatus.None) revert RegistryUnknownVolunteer(account);
        if (record.status == status) revert RegistryVolunteerStatusUnchanged(account, status);
        record.status = status;
        _mirror(account, status);
    }

    /// @dev Every status set once the mirror exists reaches it: its copy is never stale.
    function _mirror(address account, VolunteerStatus status) private {
        IVolunteerStatusMirror mirror = _statusMirror;
        if (address(mirror) != address(0)) mirror.mirrorVolunteerStatus(account, status);
    }

    function _requireOrganisation(uint64 organisationId) private view {
        if (organisationId == 0 || organisationId > _organisationCount) {
            revert RegistryUnknownOrganisation(organisationId);
        }
    }
}
