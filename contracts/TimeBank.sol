// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {ITimeBank} from "./interfaces/ITimeBank.sol";
import {ITimeCreditLedger} from "./interfaces/ITimeCreditLedger.sol";
import {IVolunteerRegistry} from "./interfaces/IVolunteerRegistry.sol";

/// @title TimeBank
/// @notice Family links, donations, withdrawals and exchange between banks; the balances live in
/// the hour ledger, which credits them when it accepts a session.
contract TimeBank is ITimeBank, AccessControl, EIP712, Nonces {
    bytes32 public constant REGISTRAR_ROLE = keccak256("REGISTRAR_ROLE");

    // keccak256("FamilyConsent(address account,address relative,uint256 nonce,uint256 deadline)")
    bytes32 private constant FAMILY_CONSENT_TYPEHASH =
        keccak256("FamilyConsent(address account,address relative,uint256 nonce,uint256 deadline)");
    // keccak256("FamilyGift(address from,address to,uint32 creditMinutes,uint256 nonce,uint256 deadline)")
    bytes32 private constant FAMILY_GIFT_TYPEHASH =
        keccak256("FamilyGift(address from,address to,uint32 creditMinutes,uint256 nonce,uint256 deadline)");
    // keccak256("PoolDonation(address from,uint32 creditMinutes,uint256 nonce,uint256 deadline)")
    bytes32 private constant POOL_DONATION_TYPEHASH =
        keccak256("PoolDonation(address from,uint32 creditMinutes,uint256 nonce,uint256 deadline)");
    // keccak256("ServiceRequest(address requester,uint64 activityId,uint256 nonce,uint256 deadline)")
    bytes32 private constant SERVICE_REQUEST_TYPEHASH =
        keccak256("ServiceRequest(address requester,uint64 activityId,uint256 nonce,uint256 deadline)");
    // keccak256("CreditExport(address from,bytes32 partnerBank,address recipient,uint32 creditMinutes,uint256 nonce,uint256 deadline)")
    bytes32 private constant CREDIT_EXPORT_TYPEHASH = keccak256(
        "CreditExport(address from,bytes32 partnerBank,address recipient,uint32 creditMinutes,uint256 nonce,uint256 deadline)"
    );
    uint8 private constant LINKED = 0x07; // both relatives and a registrar
    uint16 private constant SERVICE_CATEGORY = 255; // HourLedger.TIME_BANK_SERVICE_CATEGORY

    ITimeCreditLedger private immutable _ledger;
    IVolunteerRegistry private immutable _registry;
    mapping(bytes32 pair => uint8 parties) private _familyLinks;
    mapping(bytes32 partnerBank => bool) private _agreements;
    mapping(bytes32 partnerBank => mapping(bytes32 exportId => bool)) private _imported;

    constructor(address admin, ITimeCreditLedger ledger, IVolunteerRegistry registry) EIP712("Yilian TimeBank", "1") {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _ledger = ledger;
        _registry = registry;
    }

    /// @inheritdoc ITimeBank
    function consentToFamilyLink(address account, address relative, uint256 deadline, bytes calldata signature)
        external
    {
        if (account == relative) revert TimeBankSelfLink(account);
        _verify(account, keccak256(abi.encode(FAMILY_CONSENT_TYPEHASH, account, relative, _useNonce(account), deadline)), deadline, signature);
        LinkParty party = account < relative ? LinkParty.First : LinkParty.Second;
        _familyLinks[_pair(account, relative)] |= uint8(1 << uint8(party));
        emit FamilyLinkConsented(account, relative, party);
    }

    /// @inheritdoc ITimeBank
    function confirmFamilyLink(address account, address relative) external onlyRole(REGISTRAR_ROLE) {
        if (account == relative) revert TimeBankSelfLink(account);
        _familyLinks[_pair(account, relative)] |= uint8(1 << uint8(LinkParty.Registrar));
        emit FamilyLinkConsented(account, relative, LinkParty.Registrar);
    }

    /// @inheritdoc ITimeBank
    function dissolveFamilyLink(address account, address relative) external onlyRole(REGISTRAR_ROLE) {
        delete _familyLinks[_pair(account, relative)];
        emit FamilyLinkDissolved(account, relative);
    }

    /// @inheritdoc ITimeBank
    function giveToFamily(address from, address to, uint32 creditMinutes, uint256 deadline, bytes calldata signature)
        external
    {
        if (_familyLinks[_pair(from, to)] != LINKED) revert TimeBankNotFamily(from, to);
        if (creditMinutes == 0) revert TimeBankZeroCredits();
        _verify(from, keccak256(abi.encode(FAMILY_GIFT_TYPEHASH, from, to, creditMinutes, _useNonce(from), deadline)), deadline, signature);
        _ledger.moveTimeCredits(from, to, creditMinutes);
        emit CreditsGivenToFamily(from, to, creditMinutes);
    }

    /// @inheritdoc ITimeBank
    function donateToPool(address from, uint32 creditMinutes, uint256 deadline, bytes calldata signature) external {
        if (creditMinutes == 0) revert TimeBankZeroCredits();
        _verify(from, keccak256(abi.encode(POOL_DONATION_TYPEHASH, from, creditMinutes, _useNonce(from), deadline)), deadline, signature);
        _ledger.moveTimeCredits(from, address(0), creditMinutes);
        emit CreditsDonated(from, creditMinutes);
    }

    /// @inheritdoc ITimeBank
    function requestService(address requester, uint64 activityId, uint256 deadline, bytes calldata signature)
        external
    {
        IVolunteerRegistry.Activity memory service = _registry.activity(activityId);
        if (service.category != SERVICE_CATEGORY || service.status != IVolunteerRegistry.ActivityStatus.Open) {
            revert TimeBankNotServiceActivity(activityId, service.category);
        }
        if (service.endsAt <= block.timestamp) revert TimeBankActivityOver(activityId, service.endsAt);
        _verify(requester, keccak256(abi.encode(SERVICE_REQUEST_TYPEHASH, requester, activityId, _useNonce(requester), deadline)), deadline, signature);
        _ledger.setServiceRequester(activityId, requester);
        emit ServiceRequested(activityId, requester);
    }

    /// @inheritdoc ITimeBank
    function recordExchangeAgreement(bytes32 partnerBank, bytes32 termsHash) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _agreements[partnerBank] = true;
        emit ExchangeAgreementRecorded(partnerBank, termsHash);
    }

    /// @inheritdoc ITimeBank
    function endExchangeAgreement(bytes32 partnerBank) external onlyRole(DEFAULT_ADMIN_ROLE) {
        delete _agreements[partnerBank];
        emit ExchangeAgreementEnded(partnerBank);
    }

    /// @inheritdoc ITimeBank
    function exportCredits(
        address from,
        bytes32 partnerBank,
        address recipient,
        uint32 creditMinutes,
        uint256 deadline,
        bytes calldata signature
    ) external returns (bytes32 exportId) {
        if (!_agreements[partnerBank]) revert TimeBankNoAgreement(partnerBank);
        if (creditMinutes == 0) revert TimeBankZeroCredits();
        uint256 nonce = _useNonce(from);
        _verify(from, keccak256(abi.encode(CREDIT_EXPORT_TYPEHASH, from, partnerBank, recipient, creditMinutes, nonce, deadline)), deadline, signature);
        exportId = keccak256(abi.encode(bankId(), from, nonce));
        _ledger.exchangeTimeCredits(from, address(0), creditMinutes);
        emit CreditsExported(exportId, partnerBank, from, recipient, creditMinutes);
    }

    /// @inheritdoc ITimeBank
    function importCredits(bytes32 partnerBank, bytes32 exportId, address recipient, uint32 creditMinutes)
        external
        onlyRole(REGISTRAR_ROLE)
    {
        if (!_agreements[partnerBank]) revert TimeBankNoAgreement(partnerBank);
        if (_imported[partnerBank][exportId]) revert TimeBankAlreadyImported(partnerBank, exportId);
        _imported[partnerBank][exportId] = true;
        _ledger.exchangeTimeCredits(address(0), recipient, creditMinutes);
        emit CreditsImported(exportId, partnerBank, recipient, creditMinutes);
    }

    /// @inheritdoc ITimeBank
    function isFamily(address account, address relative) external view returns (bool) {
        return _familyLinks[_pair(account, relative)] == LINKED;
    }

    /// @notice The EIP-712 domain separator holders sign under.
    function domainSeparator() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    /// @inheritdoc ITimeBank
    function bankId() public view returns (bytes32) {
        return keccak256(abi.encode(block.chainid, address(this)));
    }

    /// @dev The nonce was used up before the check: a failed check reverts, restoring it.
    function _verify(address account, bytes32 structHash, uint256 deadline, bytes calldata signature) private view {
        if (block.timestamp > deadline) revert TimeBankExpiredSignature(deadline, block.timestamp);
        if (!SignatureChecker.isValidSignatureNow(account, _hashTypedDataV4(structHash), signature)) {
            revert TimeBankInvalidSignature(account);
        }
    }

    function _pair(address a, address b) private pure returns (bytes32) {
        return a < b ? keccak256(abi.encode(a, b)) : keccak256(abi.encode(b, a));
    }
}
