// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title Volunteer registry: organisations, volunteers and activities.
/// @notice Holds no personal data: a volunteer is an address plus a salted hash of the real-name
/// identity kept off chain (PIPL: a chain cannot delete). Organisations carry a hash of their
/// off-chain profile. "Whoever organises an activity records it": only an organisation's
/// managers create and close its activities, and the ledger accepts an activity's hours only
/// under a signature of one of its organisation's attesters, so one organisation's key cannot
/// create hours in another's activities. One identity hash registers one volunteer.
interface IVolunteerRegistry {
    enum VolunteerStatus {
        None,
        Active,
        Suspended
    }

    enum ActivityStatus {
        None,
        Open,
        Closed
    }

    struct Volunteer {
        VolunteerStatus status;
        uint40 registeredAt;
        bytes32 identityHash;
    }

    /// @dev Packs into one storage slot, so the ledger reads an activity's terms with one SLOAD.
    struct Activity {
        uint64 organisationId;
        uint40 startsAt;
        uint40 endsAt;
        uint32 minuteCap; // per volunteer, over all of the volunteer's sessions in the activity
        uint16 pointsPerHour; // whole 益币 per hour of service
        uint16 category;
        ActivityStatus status;
    }

    event OrganisationCreated(uint64 indexed organisationId, bytes32 profileHash);
    event OrganisationManagerAdded(uint64 indexed organisationId, address indexed account);
    event OrganisationManagerRemoved(uint64 indexed organisationId, address indexed account);
    event OrganisationAttesterAdded(uint64 indexed organisationId, address indexed account, address indexed by);
    event OrganisationAttesterRemoved(uint64 indexed organisationId, address indexed account, address indexed by);
    event PointsCeilingChanged(uint16 previousCeiling, uint16 newCeiling);
    event VolunteerRegistered(address indexed volunteer, bytes32 identityHash);
    event VolunteerSuspended(address indexed volunteer, string reason);
    event VolunteerReinstated(address indexed volunteer);
    event ActivityCreated(
        uint64 indexed activityId,
        uint64 indexed organisationId,
        uint16 category,
        uint40 startsAt,
        uint40 endsAt,
        uint32 minuteCap,
        uint16 pointsPerHour
    );
    /// @notice Closing ends the activity's window at `endsAt` (no later than the closing time).
    event ActivityClosed(uint64 indexed activityId, uint40 endsAt);
    event StatusMirrorSet(address indexed mirror);

    error RegistryUnknownOrganisation(uint64 organisationId);
    error RegistryNotOrganisationManager(uint64 organisationId, address account);
    error RegistryZeroAddress();
    error RegistryEmptyIdentityHash(address volunteer);
    error RegistryVolunteerAlreadyRegistered(address volunteer);
    error RegistryUnknownVolunteer(address volunteer);
    error RegistryVolunteerStatusUnchanged(address volunteer, VolunteerStatus status);
    error RegistryInvalidActivityWindow(uint40 startsAt, uint40 endsAt);
    error RegistryInvalidActivityTerms(uint32 minuteCap, uint16 pointsPerHour);
    error RegistryPointsAboveCeiling(uint16 pointsPerHour, uint16 pointsCeiling);
    error RegistryIdentityAlreadyRegistered(bytes32 identityHash, address registeredAccount);
    error RegistryUnknownActivity(uint64 activityId);
    error RegistryActivityAlreadyClosed(uint64 activityId);
    error RegistryStatusMirrorAlreadySet(address mirror);

    /// @notice Creates an organisation (a volunteer team) and returns its id (ids start at 1).
    function createOrganisation(bytes32 profileHash) external returns (uint64 organisationId);

    function addOrganisationManager(uint64 organisationId, address account) external;

    function removeOrganisationManager(uint64 organisationId, address account) external;

    /// @notice Lets `account` sign hour attestations for the activities of `organisationId`.
    /// Callable by the organisation's managers and by registrars.
    function addOrganisationAttester(uint64 organisationId, address account) external;

    /// @notice Withdraws `account`'s signing right for `organisationId` (e.g. a leaked key):
    /// the ledger refuses its signatures from the next block on. Managers and registrars.
    function removeOrganisationAttester(uint64 organisationId, address account) external;

    /// @notice Admin: the most 益币 per hour an activity may mint; `createActivity` refuses more.
    function setPointsCeiling(uint16 newCeiling) external;

    /// @notice Registers `volunteer` as active. `identityHash` is a salted hash of the identity;
    /// an identity hash registers once (one person, one volunteer).
    function registerVolunteer(address volunteer, bytes32 identityHash) external;

    /// @notice Suspends an active volunteer: the ledger refuses new hours for them.
    function suspendVolunteer(address volunteer, string calldata reason) external;

    function reinstateVolunteer(address volunteer) external;

    /// @notice Creates an activity of `organisationId`; the caller must manage that organisation
    /// and `pointsPerHour` must not exceed `pointsCeiling()`.
    function createActivity(
        uint64 organisationId,
        uint16 category,
        uint40 startsAt,
        uint40 endsAt,
        uint32 minuteCap,
        uint16 pointsPerHour
    ) external returns (uint64 activityId);

    /// @notice Closes an activity: its window ends now if it had not ended yet.
    function closeActivity(uint64 activityId) external;

    function organisationCount() external view returns (uint64);

    function organisationProfile(uint64 organisationId) external view returns (bytes32);

    function isOrganisationManager(uint64 organisationId, address account) external view returns (bool);

    function isOrganisationAttester(uint64 organisationId, address account) external view returns (bool);

    function pointsCeiling() external view returns (uint16);

    function volunteer(address account) external view returns (Volunteer memory);

    /// @notice The account registered under `identityHash`, or the zero address.
    function volunteerOfIdentity(bytes32 identityHash) external view returns (address);

    function activityCount() external view returns (uint64);

    function activity(uint64 activityId) external view returns (Activity memory);

    /// @notice What the ledger needs of an activity to accept hours, in one call: its terms and
    /// whether `signer` attests for its organisation. Asked once per activity in a batch.
    function serviceTerms(uint64 activityId, address signer)
        external
        view
        returns (Activity memory terms, bool signerAttests);

    /// @notice The volunteer's status alone (one storage slot): the ledger asks it for a volunteer
    /// registered before the ledger became the status mirror.
    function volunteerStatus(address account) external view returns (VolunteerStatus);

    /// @notice Once, by the admin: from now on every status the registry sets (registration,
    /// suspension, reinstatement) is also written to `mirror` (the HourLedger), in the same
    /// transaction, so the ledger reads it from the volunteer's own account slot.
    function setStatusMirror(IVolunteerStatusMirror mirror) external;

    function statusMirror() external view returns (IVolunteerStatusMirror);
}

/// @notice Keeps a copy of every volunteer status the registry sets (see `setStatusMirror`).
interface IVolunteerStatusMirror {
    /// @notice Only the registry calls this.
    function mirrorVolunteerStatus(address volunteer, IVolunteerRegistry.VolunteerStatus status) external;
}
