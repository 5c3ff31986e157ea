// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {IMerchantAlliance} from "./interfaces/IMerchantAlliance.sol";
import {IYiCoin} from "./interfaces/IYiCoin.sol";

/// @title MerchantAlliance (益商联盟)
/// @notice Merchant managers onboard merchants and public-benefit providers; a merchant (or a
/// manager for it) publishes offers; volunteers redeem them with 益币; merchants settle.
contract MerchantAlliance is IMerchantAlliance, AccessControl, EIP712 {
    bytes32 public constant MERCHANT_MANAGER_ROLE = keccak256("MERCHANT_MANAGER_ROLE");

    // keccak256("RedemptionVoucher(address volunteer,uint64 offerId,uint32 quantity,uint256 maxAmount,uint256 nonce,uint256 deadline)")
    bytes32 private constant VOUCHER_TYPEHASH = keccak256(
        "RedemptionVoucher(address volunteer,uint64 offerId,uint32 quantity,uint256 maxAmount,uint256 nonce,uint256 deadline)"
    );

    IYiCoin private immutable _yiCoin;
    uint64 private _offerCount;
    uint64 private _settlementCount;
    mapping(address account => Merchant) private _merchants;
    mapping(uint64 offerId => Offer) private _offers;
    mapping(address volunteer => mapping(uint256 word => uint256 bits)) private _usedNonces;

    constructor(address admin, IYiCoin yiCoin_) EIP712("Yilian MerchantAlliance", "1") {
        if (admin == address(0) || address(yiCoin_) == address(0)) revert AllianceZeroAddress();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _yiCoin = yiCoin_;
    }

    /// @inheritdoc IMerchantAlliance
    function registerMerchant(address account, MerchantKind kind, bytes32 profileHash)
        external
        onlyRole(MERCHANT_MANAGER_ROLE)
    {
        if (account == address(0)) revert AllianceZeroAddress();
        if (kind == MerchantKind.None) revert AllianceInvalidMerchantKind();
        if (_merchants[account].status != MerchantStatus.None) revert AllianceMerchantAlreadyRegistered(account);
        _merchants[account] = Merchant(kind, MerchantStatus.Active, profileHash);
        emit MerchantRegistered(account, kind, profileHash);
    }

    /// @inheritdoc IMerchantAlliance
    function suspendMerchant(address account, string calldata reason) external onlyRole(MERCHANT_MANAGER_ROLE) {
        _requireActiveMerchant(account);
        _merchants[account].status = MerchantStatus.Suspended;
        emit MerchantSuspended(account, reason);
    }

    /// @inheritdoc IMerchantAlliance
    function reinstateMerchant(address account) external onlyRole(MERCHANT_MANAGER_ROLE) {
        MerchantStatus status = _merchants[account].status;
        if (status != MerchantStatus.Suspended) revert AllianceMerchantNotSuspended(account, status);
        _merchants[account].status = MerchantStatus.Active;
        emit MerchantReinstated(account);
    }

    /// @inheritdoc IMerchantAlliance
    function createOffer(
        address account,
        uint128 price,
        uint32 stock,
        uint40 validFrom,
        uint40 validUntil,
        bytes32 metadataHash
    ) external returns (uint64 offerId) {
        if (account != msg.sender && !hasRole(MERCHANT_MANAGER_ROLE, msg.sender)) {
            revert AllianceNotMerchantManager(account, msg.sender);
        }
        _requireActiveMerchant(account);
        offerId = ++_offerCount;
        _offers[offerId].merchant = account;
        _publish(offerId, price, stock, validFrom, validUntil, metadataHash);
    }

    /// @inheritdoc IMerchantAlliance
    function updateOffer(
        uint64 offerId,
        uint128 price,
        uint32 stock,
        uint40 validFrom,
        uint40 validUntil,
        bytes32 metadataHash
    ) external {
        _requireOfferManager(offerId);
        _publish(offerId, price, stock, validFrom, validUntil, metadataHash);
    }

    /// @inheritdoc IMerchantAlliance
    function closeOffer(uint64 offerId) external {
        Offer storage closing = _requireOfferManager(offerId);
        closing.closed = true;
        emit OfferClosed(offerId, closing.merchant);
    }

    /// @inheritdoc IMerchantAlliance
    function redeem(uint64 offerId, uint32 quantity, uint256 maxAmount) external returns (uint256) {
        return _redeem(offerId, msg.sender, quantity, maxAmount, 0, false);
    }

    /// @inheritdoc IMerchantAlliance
    function redeemVoucher(RedemptionVoucher calldata voucher, bytes calldata signature)
        external
        returns (uint256)
    {
        if (block.timestamp > voucher.deadline) revert AllianceVoucherExpired(voucher.deadline, block.timestamp);
        address merchantOfOffer = _offers[voucher.offerId].merchant;
        if (merchantOfOffer == address(0)) revert AllianceUnknownOffer(voucher.offerId);
        if (msg.sender != merchantOfOffer) revert AllianceNotOfferMerchant(voucher.offerId, msg.sender);
        // The third value only details the error the enum already reports.
        // slither-disable-next-line unused-return
        (address signer, ECDSA.RecoverError error,) = ECDSA.tryRecover(_voucherDigest(voucher), signature);
        if (error != ECDSA.RecoverError.NoError || signer != voucher.volunteer) {
            revert AllianceInvalidVoucherSigner(signer, voucher.volunteer);
        }
        _useNonce(voucher.volunteer, voucher.nonce);
        return _redeem(voucher.offerId, voucher.volunteer, voucher.quantity, voucher.maxAmount, voucher.nonce, true);
    }

    /// @inheritdoc IMerchantAlliance
    function settle(uint256 amount) external returns (uint64 settlementId) {
        if (_merchants[msg.sender].status == MerchantStatus.None) revert AllianceUnknownMerchant(msg.sender);
        if (amount == 0) revert AllianceZeroSettlement();
        _yiCoin.burnSettled(msg.sender, amount);
        settlementId = ++_settlementCount;
        emit MerchantSettled(msg.sender, settlementId, amount);
    }

    /// @inheritdoc IMerchantAlliance
    function isActiveMerchant(address account) external view returns (bool) {
        return _merchants[account].status == MerchantStatus.Active;
    }

    /// @inheritdoc IMerchantAlliance
    function merchant(address account) external view returns (Merchant memory) {
        return _merchants[account];
    }

    /// @inheritdoc IMerchantAlliance
    function offer(uint64 offerId) external view returns (Offer memory) {
        return _offers[offerId];
    }

    /// @inheritdoc IMerchantAlliance
    function offerCount() external view returns (uint64) {
        return _offerCount;
    }

    /// @inheritdoc IMerchantAlliance
    function isVoucherNonceUsed(address volunteer, uint256 nonce) public view returns (bool) {
        return _usedNonces[volunteer][nonce >> 8] & (1 << (nonce & 0xff)) != 0;
    }

    /// @inheritdoc IMerchantAlliance
    function yiCoin() external view returns (address) {
        return address(_yiCoin);
    }

    /// @notice The EIP-712 domain separator vouchers are signed under.
    function domainSeparator() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    function _redeem(
        uint64 offerId,
        address volunteer,
        uint32 quantity,
        uint256 maxAmount,
        uint256 voucherNonce,
        bool byVoucher
    ) private returns (uint256 amount) {
        Offer storage redeemed = _offers[offerId];
        address seller = redeemed.merchant;
        if (seller == address(0)) revert AllianceUnknownOffer(offerId);
        if (redeemed.closed) revert AllianceOfferClosed(offerId);
        if (block.timestamp < redeemed.validFrom || block.timestamp > redeemed.validUntil) {
            revert AllianceOfferNotValidNow(offerId, redeemed.validFrom, redeemed.validUntil, block.timestamp);
        }
        _requireActiveMerchant(seller);
        if (quantity == 0) revert AllianceInvalidQuantity(quantity);
        if (redeemed.stock < quantity) revert AllianceOutOfStock(offerId, redeemed.stock, quantity);
        amount = uint256(redeemed.price) * quantity;
        if (amount > maxAmount) revert AllianceAmountAboveLimit(offerId, amount, maxAmount);
        // Cannot underflow: checked against stock above.
        unchecked {
            redeemed.stock -= quantity;
        }
        _yiCoin.redemptionTransfer(volunteer, seller, amount);
        emit OfferRedeemed(offerId, volunteer, seller, quantity, amount, voucherNonce, byVoucher);
    }

    function _publish(
        uint64 offerId,
        uint128 price,
        uint32 stock,
        uint40 validFrom,
        uint40 validUntil,
        bytes32 metadataHash
    ) private {
        if (price == 0 || validUntil <= validFrom) revert AllianceInvalidOfferTerms(price, validFrom, validUntil);
        Offer storage published = _offers[offerId];
        published.price = price;
        published.stock = stock;
        published.validFrom = validFrom;
        published.validUntil = validUntil;
        published.metadataHash = metadataHash;
        emit OfferPublished(offerId, published.merchant, price, stock, validFrom, validUntil, metadataHash);
    }

    function _useNonce(address volunteer, uint256 nonce) private {
        uint256 bit = 1 << (nonce & 0xff);
        uint256 word = _usedNonces[volunteer][nonce >> 8];
        if (word & bit != 0) revert AllianceVoucherNonceUsed(volunteer, nonce);
        _usedNonces[volunteer][nonce >> 8] = word | bit;
    }

    function _requireOfferManager(uint64 offerId) private view returns (Offer storage managed) {
        managed = _offers[offerId];
        if (managed.merchant == address(0)) revert AllianceUnknownOffer(offerId);
        if (managed.closed) revert AllianceOfferClosed(offerId);
        if (msg.sender != managed.merchant && !hasRole(MERCHANT_MANAGER_ROLE, msg.sender)) {
            revert AllianceNotOfferManager(offerId, msg.sender);
        }
    }

    function _requireActiveMerchant(address account) private view {
        MerchantStatus status = _merchants[account].status;
        if (status == MerchantStatus.None) revert AllianceUnknownMerchant(account);
        if (status != MerchantStatus.Active) revert AllianceMerchantNotActive(account, status);
    }

    function _voucherDigest(RedemptionVoucher calldata v) private view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(
                abi.encode(VOUCHER_TYPEHASH, v.volunteer, v.offerId, v.quantity, v.maxAmount, v.nonce, v.deadline)
            )
        );
    }
}
