// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title Time bank (时间储蓄): the rules by which banked hours move.
/// @notice The hour ledger earns credits (see ITimeCreditLedger); this contract is the only way
/// they move afterwards: (a) to a family member, once both relatives consented and a registrar
/// (an organisation) confirmed the link; (b) as a donation to the community pool; (c) as a
/// withdrawal, by naming whose credits pay for a time-bank service activity, debited when a
/// volunteer's session in it is accepted; (d) to a partner bank under an exchange agreement
/// recorded here. Every move a holder makes is an EIP-712 message the holder signs (a wallet
/// or the relay holding the volunteer's key), submitted by anyone, with a deadline and a nonce.
interface ITimeBank {
    /// @notice A family link is active when all three bits are set.
    enum LinkParty {
        First,
        Second,
        Registrar
    }

    event FamilyLinkConsented(address indexed account, address indexed relative, LinkParty party);
    event FamilyLinkDissolved(address indexed account, address indexed relative);
    event CreditsGivenToFamily(address indexed from, address indexed to, uint32 creditMinutes);
    event CreditsDonated(address indexed from, uint32 creditMinutes);
    event ServiceRequested(uint64 indexed activityId, address indexed requester);
    event ExchangeAgreementRecorded(bytes32 indexed partnerBank, bytes32 termsHash);
    event ExchangeAgreementEnded(bytes32 indexed partnerBank);
    event CreditsExported(
        bytes32 indexed exportId, bytes32 indexed partnerBank, address indexed from, address recipient, uint32 creditMinutes
    );
    event CreditsImported(
        bytes32 indexed exportId, bytes32 indexed partnerBank, address indexed recipient, uint32 creditMinutes
    );

    error TimeBankExpiredSignature(uint256 deadline, uint256 currentTime);
    error TimeBankInvalidSignature(address account);
    error TimeBankSelfLink(address account);
    error TimeBankNotFamily(address from, address to);
    error TimeBankZeroCredits();
    error TimeBankNotServiceActivity(uint64 activityId, uint16 category);
    error TimeBankActivityOver(uint64 activityId, uint40 endsAt);
    error TimeBankNoAgreement(bytes32 partnerBank);
    error TimeBankAlreadyImported(bytes32 partnerBank, bytes32 exportId);

    /// @notice `account` consents to a family link with `relative` (signed by `account`).
    function consentToFamilyLink(address account, address relative, uint256 deadline, bytes calldata signature)
        external;

    /// @notice Registrar: confirms that the two accounts are family (checked off chain).
    function confirmFamilyLink(address account, address relative) external;

    /// @notice Registrar: ends a link (either relative asked, or it was confirmed in error).
    function dissolveFamilyLink(address account, address relative) external;

    function giveToFamily(address from, address to, uint32 creditMinutes, uint256 deadline, bytes calldata signature)
        external;

    function donateToPool(address from, uint32 creditMinutes, uint256 deadline, bytes calldata signature) external;

    /// @notice `requester`'s credits pay for the time-bank service activity `activityId`.
    function requestService(address requester, uint64 activityId, uint256 deadline, bytes calldata signature)
        external;

    /// @notice Admin: a partner bank (`bankId()` of the other bank) whose credits this bank honours.
    function recordExchangeAgreement(bytes32 partnerBank, bytes32 termsHash) external;

    function endExchangeAgreement(bytes32 partnerBank) external;

    /// @notice Credits leave for a partner bank; its registrar imports them under `exportId`.
    function exportCredits(
        address from,
        bytes32 partnerBank,
        address recipient,
        uint32 creditMinutes,
        uint256 deadline,
        bytes calldata signature
    ) external returns (bytes32 exportId);

    /// @notice Registrar: credits a partner bank exported arrive, once per export id.
    function importCredits(bytes32 partnerBank, bytes32 exportId, address recipient, uint32 creditMinutes) external;

    function isFamily(address account, address relative) external view returns (bool);

    /// @notice This bank's identity for partner banks: keccak256(abi.encode(chainid, this)).
    function bankId() external view returns (bytes32);
}
