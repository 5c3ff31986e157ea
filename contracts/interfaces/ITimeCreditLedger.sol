// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title Time credits (时间储蓄) as the hour ledger keeps them.
/// @notice One place turns hours into credits: the ledger, when it accepts a session of an
/// activity whose category is banked, credits the volunteer 1 minute per minute served (60 = one
/// hour = one credit), so every credit traces back to an attestation uid. Credits never expire.
/// An account holds at most `capMinutes`; what a session would add beyond it goes to the
/// community pool. A session of a time-bank service activity (category
/// `TIME_BANK_SERVICE_CATEGORY`) with a recorded requester is a withdrawal: the requester's
/// credits fall by the minutes served, the pool covering what the requester lacks. Credits are
/// no token: they move only through the TimeBank contract (family transfers, donations, exchange
/// with a partner bank), which the ledger trusts for nothing else.
interface ITimeCreditLedger {
    event TimeCreditsEarned(bytes32 indexed uid, address indexed volunteer, uint32 banked, uint32 toPool);
    /// @notice `unfunded` minutes were served but neither the requester nor the pool held them.
    event TimeCreditsWithdrawn(
        bytes32 indexed uid,
        address indexed requester,
        uint64 indexed activityId,
        uint32 fromRequester,
        uint32 fromPool,
        uint32 unfunded
    );
    /// @notice A revoked session's credits come back as far as the volunteer still holds them.
    event TimeCreditsReversed(bytes32 indexed uid, address indexed volunteer, uint32 reclaimed, uint32 unrecovered);
    /// @notice A revoked withdrawal gives the requester the minutes back (beyond the cap: to the pool).
    event TimeCreditsRefunded(bytes32 indexed uid, address indexed requester, uint32 refunded, uint32 toPool);
    /// @notice `from` or `to` is the zero address for the pool.
    event TimeCreditsMoved(address indexed from, address indexed to, uint256 creditMinutes);
    /// @notice Credits left for a partner bank (`arrived` false) or came from one (true).
    event TimeCreditsExchanged(address indexed account, bool arrived, uint256 creditMinutes);
    event TimeCreditTermsChanged(uint256 bankedCategories, uint32 capMinutes);
    event TimeBankSet(address indexed timeBank);
    event ServiceRequesterSet(uint64 indexed activityId, address indexed requester);

    error HourLedgerNotTimeBank(address caller);
    error HourLedgerTimeBankAlreadySet(address timeBank);
    error HourLedgerTimeCreditsInsufficient(address account, uint256 balance, uint256 creditMinutes);
    error HourLedgerTimeCreditCapReached(address account, uint256 balance, uint256 creditMinutes, uint256 capMinutes);
    error HourLedgerServiceAlreadyRequested(uint64 activityId, address requester);
    error HourLedgerInvalidExchange(address from, address to);

    /// @notice Admin: which categories (bit i = category i, categories 0–255) earn credits, and
    /// the per-account cap in minutes.
    function setTimeCreditTerms(uint256 bankedCategories, uint32 capMinutes) external;

    /// @notice Admin, once: the TimeBank contract that may move credits.
    function setTimeBank(address timeBank) external;

    /// @notice TimeBank only: moves credits; the zero address is the pool. Reverts past the cap.
    function moveTimeCredits(address from, address to, uint256 creditMinutes) external;

    /// @notice TimeBank only: credits leave for a partner bank (`to` absent) or arrive from one
    /// (`from` absent). Exactly one of the two is the zero address.
    function exchangeTimeCredits(address from, address to, uint256 creditMinutes) external;

    /// @notice TimeBank only, once per activity: whose credits pay for the service activity.
    function setServiceRequester(uint64 activityId, address requester) external;

    function timeCredits(address account) external view returns (uint256);

    function timeCreditPool() external view returns (uint256);

    function timeCreditTerms() external view returns (uint256 bankedCategories, uint32 capMinutes);

    function serviceRequester(uint64 activityId) external view returns (address);
}
