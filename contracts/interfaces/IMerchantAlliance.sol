// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title 益商联盟: merchants and public-benefit providers, their offers, redemptions, settlement.
/// @notice A volunteer redeems an offer from their own wallet (`redeem`) or signs an EIP-712
/// voucher, shown as a QR code, that the merchant submits from the merchant's wallet
/// (`redeemVoucher`). Voucher nonces are unordered (a bitmap), so a volunteer may hold several
/// vouchers and use them in any order.
interface IMerchantAlliance {
    enum MerchantKind {
        None,
        Business,
        PublicBenefit // wetland-park tickets, health checks, parking priority
    }

    enum MerchantStatus {
        None,
        Active,
        Suspended
    }

    struct Merchant {
        MerchantKind kind;
        MerchantStatus status;
        bytes32 profileHash;
    }

    struct Offer {
        address merchant;
        uint32 stock;
        uint40 validFrom;
        uint40 validUntil;
        bool closed;
        uint128 price; // 益币 base units per item
        bytes32 metadataHash;
    }

    /// @dev EIP-712 type:
    /// RedemptionVoucher(address volunteer,uint64 offerId,uint32 quantity,uint256 maxAmount,
    ///                   uint256 nonce,uint256 deadline)
    struct RedemptionVoucher {
        address volunteer;
        uint64 offerId;
        uint32 quantity;
        uint256 maxAmount; // the most the volunteer agrees to pay, whatever the price becomes
        uint256 nonce;
        uint256 deadline;
    }

    event MerchantRegistered(address indexed merchant, MerchantKind kind, bytes32 profileHash);
    event MerchantSuspended(address indexed merchant, string reason);
    event MerchantReinstated(address indexed merchant);
    event OfferPublished(
        uint64 indexed offerId,
        address indexed merchant,
        uint128 price,
        uint32 stock,
        uint40 validFrom,
        uint40 validUntil,
        bytes32 metadataHash
    );
    event OfferClosed(uint64 indexed offerId, address indexed merchant);
    event OfferRedeemed(
        uint64 indexed offerId,
        address indexed volunteer,
        address indexed merchant,
        uint32 quantity,
        uint256 amount,
        uint256 voucherNonce, // 0 with `byVoucher` false: redeemed from the volunteer's wallet
        bool byVoucher
    );
    event MerchantSettled(address indexed merchant, uint64 indexed settlementId, uint256 amount);

    error AllianceZeroAddress();
    error AllianceMerchantAlreadyRegistered(address merchant);
    error AllianceUnknownMerchant(address merchant);
    error AllianceMerchantNotActive(address merchant, MerchantStatus status);
    error AllianceMerchantNotSuspended(address merchant, MerchantStatus status);
    error AllianceInvalidMerchantKind();
    error AllianceNotOfferManager(uint64 offerId, address caller);
    error AllianceNotMerchantManager(address merchant, address caller);
    error AllianceInvalidOfferTerms(uint128 price, uint40 validFrom, uint40 validUntil);
    error AllianceUnknownOffer(uint64 offerId);
    error AllianceOfferClosed(uint64 offerId);
    error AllianceOfferNotValidNow(uint64 offerId, uint40 validFrom, uint40 validUntil, uint256 currentTime);
    error AllianceInvalidQuantity(uint32 quantity);
    error AllianceOutOfStock(uint64 offerId, uint32 stock, uint32 requested);
    error AllianceAmountAboveLimit(uint64 offerId, uint256 amount, uint256 maxAmount);
    error AllianceNotOfferMerchant(uint64 offerId, address caller);
    error AllianceVoucherExpired(uint256 deadline, uint256 currentTime);
    error AllianceVoucherNonceUsed(address volunteer, uint256 nonce);
    error AllianceInvalidVoucherSigner(address signer, address volunteer);
    error AllianceZeroSettlement();

    function registerMerchant(address merchant, MerchantKind kind, bytes32 profileHash) external;

    function suspendMerchant(address merchant, string calldata reason) external;

    function reinstateMerchant(address merchant) external;

    /// @notice Publishes an offer of `merchant`: the merchant itself or a merchant manager.
    function createOffer(
        address merchant,
        uint128 price,
        uint32 stock,
        uint40 validFrom,
        uint40 validUntil,
        bytes32 metadataHash
    ) external returns (uint64 offerId);

    /// @notice Replaces an open offer's price, stock, validity and metadata.
    function updateOffer(
        uint64 offerId,
        uint128 price,
        uint32 stock,
        uint40 validFrom,
        uint40 validUntil,
        bytes32 metadataHash
    ) external;

    function closeOffer(uint64 offerId) external;

    /// @notice Redeems from the caller's (the volunteer's) own wallet.
    function redeem(uint64 offerId, uint32 quantity, uint256 maxAmount) external returns (uint256 amount);

    /// @notice The offer's merchant submits a voucher the volunteer signed.
    function redeemVoucher(RedemptionVoucher calldata voucher, bytes calldata signature)
        external
        returns (uint256 amount);

    /// @notice The caller (a merchant) burns `amount` of the 益币 it received.
    function settle(uint256 amount) external returns (uint64 settlementId);

    function isActiveMerchant(address account) external view returns (bool);

    function merchant(address account) external view returns (Merchant memory);

    function offer(uint64 offerId) external view returns (Offer memory);

    function offerCount() external view returns (uint64);

    function isVoucherNonceUsed(address volunteer, uint256 nonce) external view returns (bool);

    function yiCoin() external view returns (address);
}
